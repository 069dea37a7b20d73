extension ConsoleTemplates {
    /// `/deliveries`: queues per notifier, then pending and dead messages with why.
    static let deliveries = #"""
        {{>header}}
        <h1>Deliveries</h1>
        <p class="note" id="retry-hint">This console is read-only. To send dead letters again, on the host: <code>runwatch outbox retry ID</code> (one message, by the ID below) or <code>runwatch outbox retry --all</code>; the running daemon sends them at its next look at the outbox.</p>
        <table id="notifier-queues">
        <caption>Queues per notifier</caption>
        <thead><tr><th scope="col">Notifier</th><th scope="col">Kind</th><th scope="col" class="num">Pending</th><th scope="col" class="num">Dead</th><th scope="col" class="num">Delivered (24 h)</th><th scope="col">State</th></tr></thead>
        <tbody>
        {{#queues}}
        <tr data-notifier="{{notifierName}}"><th scope="row">{{notifierName}}</th><td>{{kind}}</td><td class="pending">{{pending}}</td><td class="dead">{{dead}}</td><td class="delivered">{{deliveredLast24h}}</td>{{#disabled}}<td class="disabled">disabled until reload: {{disabled}}</td>{{/disabled}}{{^disabled}}<td class="enabled">enabled</td>{{/disabled}}</tr>
        {{/queues}}
        {{^queues}}
        <tr><td colspan="6" class="empty">No notifier is configured.</td></tr>
        {{/queues}}
        </tbody>
        </table>

        <section aria-labelledby="pending-heading">
        <h2 id="pending-heading">Pending (<span id="pending-count">{{pendingCount}}</span>)</h2>
        <table id="pending">
        <thead><tr><th scope="col">ID</th><th scope="col">Notifier</th><th scope="col">About</th><th scope="col">Event</th><th scope="col">Created</th><th scope="col">Next attempt</th><th scope="col">Why it is still owed</th></tr></thead>
        <tbody>
        {{#pendingRows}}
        {{>delivery-row}}
        {{/pendingRows}}
        {{^pendingRows}}
        <tr><td colspan="7" class="empty">Nothing pending: every message was delivered or given up on.</td></tr>
        {{/pendingRows}}
        </tbody>
        </table>
        </section>

        <section aria-labelledby="dead-heading">
        <h2 id="dead-heading">Dead letters (<span id="dead-count">{{deadCount}}</span>)</h2>
        <table id="dead">
        <thead><tr><th scope="col">ID</th><th scope="col">Notifier</th><th scope="col">About</th><th scope="col">Event</th><th scope="col">Created</th><th scope="col">Given up</th><th scope="col">Why</th></tr></thead>
        <tbody>
        {{#deadRows}}
        {{>delivery-row}}
        {{/deadRows}}
        {{^deadRows}}
        <tr><td colspan="7" class="empty">No dead letter.</td></tr>
        {{/deadRows}}
        </tbody>
        </table>
        </section>
        {{>footer}}
        """#

    /// One pending or dead message; its attempts fold out without JavaScript.
    static let deliveryRow = #"""
        <tr class="delivery" data-state="{{deliveryState}}" data-notifier="{{notifier}}"><td class="num">{{deliveryID}}</td><th scope="row">{{notifier}}</th><td>{{#aboutHref}}<a href="{{aboutHref}}">{{aboutText}}</a>{{/aboutHref}}{{^aboutHref}}{{aboutText}}{{/aboutHref}}</td><td>{{event}}</td><td>{{#created}}{{>moment}}{{/created}}</td><td>{{#nextAttempt}}{{>moment}}{{/nextAttempt}}{{#finished}}{{>moment}}{{/finished}}</td><td class="error">{{#why}}{{why}}{{/why}}{{^why}}not tried yet{{/why}}{{#hasAttemptLog}}<details><summary>{{attemptCount}} attempt(s)</summary><ol class="attempts">{{#attemptLog}}<li class="attempt">#{{attemptNumber}} {{#attemptAt}}{{>moment}}{{/attemptAt}}: {{attemptOutcome}} — {{answer}}</li>{{/attemptLog}}</ol></details>{{/hasAttemptLog}}</td></tr>
        """#
}

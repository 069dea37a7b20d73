extension ConsoleTemplates {
    /// `/`: what is watched, the API, the notifiers, open suites, results, charts.
    static let overview = #"""
        {{>header}}
        <h1>Overview</h1>
        <section aria-labelledby="api-heading">
        <h2 id="api-heading">Cekura API</h2>
        <p class="api">State: <span class="state-{{apiState}}"><span id="api-state">{{apiState}}</span></span>{{#apiDetail}} — {{apiDetail}}{{/apiDetail}}</p>
        {{#storeOnly}}
        <p class="note">The daemon's live state is not available; this is what the store holds.</p>
        {{/storeOnly}}
        <dl class="facts">
        {{#sweep}}
        <dt>Sweep period</dt><dd id="sweep-period">{{sweep}}</dd>
        {{/sweep}}
        {{#budgetUse}}
        <dt>Requests in the last minute</dt>
        <dd><meter id="budget-use" min="0" max="{{meterMax}}" high="{{budget}}" value="{{used}}">{{used}}</meter> {{used}} of {{budget}} a minute ({{usedPercent}})</dd>
        {{/budgetUse}}
        {{#lastAPIError}}
        <dt>Last API error</dt><dd class="error">{{lastAPIError}}{{#lastAPIErrorAt}} · {{>moment}}{{/lastAPIErrorAt}}</dd>
        {{/lastAPIError}}
        {{#statusLine}}
        <dt>STATUS=</dt><dd><code>{{statusLine}}</code></dd>
        {{/statusLine}}
        </dl>
        {{#hasUnknownStatuses}}
        <p class="warning">Statuses runwatch does not know (treated as not finished):</p>
        <ul class="unknown-statuses">
        {{/hasUnknownStatuses}}
        {{#unknownStatuses}}
        <li><code>{{.}}</code></li>
        {{/unknownStatuses}}
        {{#hasUnknownStatuses}}
        </ul>
        {{/hasUnknownStatuses}}
        </section>

        <section aria-labelledby="runs-heading">
        <h2 id="runs-heading">Watched runs</h2>
        <p><span id="watched-total">{{watchedTotal}}</span> active{{#oldestActive}}; the oldest submitted {{>moment}}{{/oldestActive}}.</p>
        <table id="runs-by-status">
        <caption>Runs in the store by last status</caption>
        <thead><tr><th scope="col">Status</th><th scope="col" class="num">Runs</th></tr></thead>
        <tbody>
        {{#statuses}}
        <tr data-status="{{status}}"><th scope="row">{{status}}</th><td class="count">{{count}}</td></tr>
        {{/statuses}}
        {{^statuses}}
        <tr><td colspan="2" class="empty">No runs yet.</td></tr>
        {{/statuses}}
        </tbody>
        </table>
        <table id="ended-24h">
        <caption>Ended in the last 24 hours: <span id="ended-total">{{endedTotal}}</span></caption>
        <thead><tr><th scope="col">Outcome</th><th scope="col" class="num">Runs</th><th scope="col">In words</th></tr></thead>
        <tbody>
        {{#ended}}
        <tr data-outcome="{{outcome}}"><th scope="row">{{outcome}}</th><td class="count">{{outcomeCount}}</td><td>{{sentence}}</td></tr>
        {{/ended}}
        {{^ended}}
        <tr><td colspan="3" class="empty">No run ended in the last 24 hours.</td></tr>
        {{/ended}}
        </tbody>
        </table>
        </section>

        <section aria-labelledby="notifiers-heading">
        <h2 id="notifiers-heading">Notifiers</h2>
        <p>Outbox: {{outboxPending}} pending, {{outboxDead}} dead, {{outboxDelivered}} delivered. <a href="/deliveries">Pending and dead messages</a></p>
        <table id="notifiers">
        <thead><tr><th scope="col">Notifier</th><th scope="col">Kind</th><th scope="col" class="num">Pending</th><th scope="col" class="num">Dead</th><th scope="col" class="num">Delivered (24 h)</th><th scope="col">State</th></tr></thead>
        <tbody>
        {{#notifierRows}}
        <tr data-notifier="{{notifierName}}"><th scope="row">{{notifierName}}</th><td>{{kind}}</td><td class="pending">{{pending}}</td><td class="dead">{{dead}}</td><td class="delivered">{{deliveredLast24h}}</td>{{#disabled}}<td class="disabled">disabled until reload: {{disabled}}</td>{{/disabled}}{{^disabled}}<td class="enabled">enabled</td>{{/disabled}}</tr>
        {{/notifierRows}}
        {{^notifierRows}}
        <tr><td colspan="6" class="empty">No notifier is configured.</td></tr>
        {{/notifierRows}}
        </tbody>
        </table>
        </section>

        <section aria-labelledby="open-suites-heading">
        <h2 id="open-suites-heading">Open suites</h2>
        <table id="open-suites">
        <thead><tr><th scope="col">Suite</th><th scope="col" class="num">Instance</th><th scope="col">Progress</th><th scope="col" class="num">Results expanding</th></tr></thead>
        <tbody>
        {{#openSuites}}
        <tr class="open-suite"><th scope="row"><a href="{{openHref}}">{{openName}}</a></th><td class="num">{{openInstance}}</td><td><progress max="{{openProgressMax}}" value="{{openEnded}}">{{openEnded}} of {{openRuns}}</progress> {{openEnded}} of {{openRuns}} ended</td><td class="num">{{openExpanding}}</td></tr>
        {{/openSuites}}
        {{^openSuites}}
        <tr><td colspan="4" class="empty">No suite is open. <a href="/suites">All suites</a></td></tr>
        {{/openSuites}}
        </tbody>
        </table>
        </section>

        {{#hasResults}}
        <section aria-labelledby="results-heading">
        <h2 id="results-heading">Results expanding into runs</h2>
        <table id="results">
        <thead><tr><th scope="col">Result</th><th scope="col">State</th><th scope="col" class="num">Runs</th><th scope="col" class="num">Reads</th><th scope="col">Last error</th></tr></thead>
        <tbody>
        {{/hasResults}}
        {{#results}}
        <tr class="result"><th scope="row">{{resultID}}</th><td>{{resultState}}</td><td class="num">{{resultRuns}}</td><td class="num">{{resultReads}}</td><td class="error">{{resultError}}</td></tr>
        {{/results}}
        {{#hasResults}}
        </tbody>
        </table>
        </section>
        {{/hasResults}}

        {{#hasCharts}}
        <section aria-labelledby="charts-heading" class="charts">
        <h2 id="charts-heading">Activity</h2>
        {{/hasCharts}}
        {{#charts}}
        <figure class="chart"><figcaption>{{chartTitle}}</figcaption>{{{svg}}}</figure>
        {{/charts}}
        {{#hasCharts}}
        </section>
        {{/hasCharts}}
        {{>footer}}
        """#
}

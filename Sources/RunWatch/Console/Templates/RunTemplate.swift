extension ConsoleTemplates {
    /// `/runs/{id}`.
    static let run = #"""
        {{>header}}
        <h1>Run <span id="run-id">{{id}}</span> <span class="outcome outcome-{{runOutcomeKey}}">{{runOutcome}}</span></h1>
        <dl class="facts">
        <dt>Last status</dt><dd>{{runStatus}}</dd>
        <dt>Submitted</dt><dd>{{#submitted}}{{>moment}}{{/submitted}}</dd>
        <dt>Ended</dt><dd>{{#endedAt}}{{>moment}}{{/endedAt}}{{^endedAt}}not yet{{/endedAt}}</dd>
        {{#scenarioName}}
        <dt>Scenario</dt><dd>{{scenarioName}}</dd>
        {{/scenarioName}}
        {{#durationText}}
        <dt>Duration</dt><dd>{{durationText}}</dd>
        {{/durationText}}
        {{#errorText}}
        <dt>Error</dt><dd class="error">{{errorText}}</dd>
        {{/errorText}}
        {{#dashboardLink}}
        <dt>Dashboard</dt><dd><a href="{{dashboardLink}}" rel="noopener noreferrer">open in Cekura</a></dd>
        {{/dashboardLink}}
        {{#hasLabels}}
        <dt>Labels</dt><dd><ul class="labels">{{#labels}}<li><code>{{labelKey}}</code>=<code>{{labelValue}}</code></li>{{/labels}}</ul></dd>
        {{/hasLabels}}
        {{#hasSuites}}
        <dt>Suites</dt><dd><ul id="run-suites">{{#suites}}<li><a href="{{linkHref}}">{{linkName}} #{{linkInstance}}</a></li>{{/suites}}</ul></dd>
        {{/hasSuites}}
        </dl>

        <section aria-labelledby="transitions-heading">
        <h2 id="transitions-heading">Transitions</h2>
        <ol id="transitions">
        {{#transitions}}
        <li>{{#transitionAt}}{{>moment}}{{/transitionAt}}: <span class="from">{{fromStatus}}</span> → <span class="to">{{toStatus}}</span></li>
        {{/transitions}}
        </ol>
        {{^transitions}}
        <p class="empty">No transition yet: the API has not reported this run.</p>
        {{/transitions}}
        </section>

        {{#snapshot}}
        <section aria-labelledby="snapshot-heading">
        <h2 id="snapshot-heading">What the API said when the run ended</h2>
        <dl id="snapshot" class="facts">
        {{#fields}}
        <dt>{{fieldName}}</dt><dd>{{fieldValue}}</dd>
        {{/fields}}
        {{#recording}}
        <dt>Recording</dt><dd><a href="{{recording}}" rel="noopener noreferrer">listen</a></dd>
        {{/recording}}
        </dl>
        {{#hasAnomalies}}
        <p>Anomalies in the API's answer:</p>
        <ul class="anomalies">{{#anomalies}}<li>{{.}}</li>{{/anomalies}}</ul>
        {{/hasAnomalies}}
        </section>
        {{/snapshot}}

        <section aria-labelledby="deliveries-heading">
        <h2 id="deliveries-heading">Deliveries</h2>
        <table id="deliveries">
        <thead><tr><th scope="col">Notifier</th><th scope="col">Event</th><th scope="col">State</th><th scope="col">Created</th><th scope="col">Attempts and answers</th></tr></thead>
        <tbody>
        {{#deliveries}}
        <tr class="delivery" data-notifier="{{notifier}}" data-state="{{deliveryState}}"><th scope="row">{{notifier}}</th><td>{{event}}</td><td class="state state-{{stateClass}}">{{deliveryState}}{{#nextAttempt}}; next attempt {{>moment}}{{/nextAttempt}}{{#finished}}; since {{>moment}}{{/finished}}</td><td>{{#created}}{{>moment}}{{/created}}</td><td>{{#hasAttemptLog}}<ol class="attempts">{{#attemptLog}}<li class="attempt">#{{attemptNumber}} {{#attemptAt}}{{>moment}}{{/attemptAt}}: {{attemptOutcome}} — {{answer}}</li>{{/attemptLog}}</ol>{{/hasAttemptLog}}{{^hasAttemptLog}}{{attemptCount}} attempt(s){{#why}}; last answer: {{why}}{{/why}}{{/hasAttemptLog}}</td></tr>
        {{/deliveries}}
        {{^deliveries}}
        <tr><td colspan="5" class="empty">No message about this run.</td></tr>
        {{/deliveries}}
        </tbody>
        </table>
        </section>
        {{>footer}}
        """#
}

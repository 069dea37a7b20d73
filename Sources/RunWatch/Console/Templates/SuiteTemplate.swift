extension ConsoleTemplates {
    /// `/suites/{name}[/{instance}]`: headline, counts, every run, other instances.
    static let suite = #"""
        {{>header}}
        <h1>Suite <span class="suite-name">{{headName}}</span> <span class="instance">#{{headInstance}}</span> <span class="verdict verdict-{{headVerdictClass}}">{{headVerdict}}</span></h1>
        <p class="headline"><span id="suite-passed">{{suitePassed}}</span> of <span id="suite-runs">{{suiteRuns}}</span> runs passed ({{suitePassRate}}). <progress max="{{suiteProgressMax}}" value="{{suiteEnded}}">{{suiteEnded}} of {{suiteRuns}}</progress> {{suiteEnded}} of {{suiteRuns}} ended. Not passed: {{suiteFailures}}.</p>
        <dl class="facts">
        <dt>Started</dt><dd>{{#headStarted}}{{>moment}}{{/headStarted}}</dd>
        <dt>Completed</dt><dd>{{#headCompleted}}{{>moment}}{{/headCompleted}}{{^headCompleted}}not yet{{/headCompleted}}</dd>
        {{#suiteDashboard}}
        <dt>Dashboard</dt><dd><a href="{{suiteDashboard}}" rel="noopener noreferrer">open in Cekura</a></dd>
        {{/suiteDashboard}}
        {{#hasExpanding}}
        <dt>Results expanding</dt><dd>{{#expandingResults}}<span class="result-id">{{.}}</span> {{/expandingResults}}— more runs may join.</dd>
        {{/hasExpanding}}
        {{#hasLabels}}
        <dt>Labels</dt><dd><ul class="labels">{{#labels}}<li><code>{{labelKey}}</code>=<code>{{labelValue}}</code></li>{{/labels}}</ul></dd>
        {{/hasLabels}}
        </dl>

        <table id="suite-runs-table">
        <caption>Every run, failures first</caption>
        <thead><tr><th scope="col">Run</th><th scope="col">Outcome</th><th scope="col">Scenario</th><th scope="col">Personality</th><th scope="col">Duration</th><th scope="col">Error</th><th scope="col">Dashboard</th></tr></thead>
        <tbody>
        {{#runRows}}
        <tr class="run" data-run="{{runID}}" data-outcome="{{outcomeKey}}"><th scope="row"><a href="{{runHref}}">{{runID}}</a></th><td class="outcome{{#failedRun}} failed{{/failedRun}}">{{outcomeText}}</td><td>{{scenario}}</td><td>{{personality}}</td><td class="num">{{runDuration}}</td><td class="error">{{runError}}</td><td>{{#dashboard}}<a href="{{dashboard}}" rel="noopener noreferrer">result</a>{{/dashboard}}</td></tr>
        {{/runRows}}
        {{^runRows}}
        <tr><td colspan="7" class="empty">No run in this instance.</td></tr>
        {{/runRows}}
        </tbody>
        </table>
        {{#moreRuns}}<p id="more-runs" class="more-runs">{{moreRuns}} <a href="{{moreRunsHref}}">{{moreRunsHref}}</a></p>{{/moreRuns}}

        {{#hasOtherInstances}}
        <section aria-labelledby="instances-heading">
        <h2 id="instances-heading">Other instances</h2>
        <table id="other-instances">
        <thead><tr><th scope="col">Instance</th><th scope="col">Started</th><th scope="col">Verdict</th><th scope="col">Passed</th><th scope="col">Pass rate</th><th scope="col">Not passed</th></tr></thead>
        <tbody>
        {{#otherInstances}}
        <tr class="instance" data-instance="{{suiteInstance}}"><th scope="row"><a href="{{suiteHref}}">#{{suiteInstance}}</a></th><td>{{#started}}{{>moment}}{{/started}}</td><td class="verdict verdict-{{verdictClass}}">{{verdict}}</td><td>{{passedRuns}} of {{runs}}</td><td>{{passRate}}</td><td>{{failures}}</td></tr>
        {{/otherInstances}}
        </tbody>
        </table>
        </section>
        {{/hasOtherInstances}}
        {{>footer}}
        """#
}

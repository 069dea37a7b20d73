extension ConsoleTemplates {
    /// `/suites`: one table, running instances first (progress), then completed ones (pass rates).
    static let suites = #"""
        {{>header}}
        <h1>Suites</h1>
        <table id="suites">
        <thead><tr><th scope="col">Suite</th><th scope="col" class="num">Instance</th><th scope="col">Started</th><th scope="col">Verdict</th><th scope="col">Progress</th><th scope="col">Pass rate</th><th scope="col">Not passed</th></tr></thead>
        {{#hasSuites}}
        <tbody class="running">
        <tr class="group"><th scope="rowgroup" colspan="7">Running</th></tr>
        {{#running}}
        <tr class="suite" data-suite="{{suiteName}}" data-instance="{{suiteInstance}}"><th scope="row"><a href="{{suiteHref}}">{{suiteName}}</a></th><td class="num">{{suiteInstance}}</td><td>{{#started}}{{>moment}}{{/started}}</td><td class="verdict verdict-{{verdictClass}}">{{verdict}}</td><td><progress max="{{progressMax}}" value="{{endedRuns}}">{{endedRuns}} of {{runs}}</progress> {{endedRuns}} of {{runs}} ended{{#expandingNote}} · {{expandingNote}}{{/expandingNote}}</td><td>{{passRate}}</td><td>{{failures}}</td></tr>
        {{/running}}
        {{^running}}
        <tr><td colspan="7" class="empty">No suite is running.</td></tr>
        {{/running}}
        </tbody>
        <tbody class="completed">
        <tr class="group"><th scope="rowgroup" colspan="7">Recently completed</th></tr>
        {{#recent}}
        <tr class="suite" data-suite="{{suiteName}}" data-instance="{{suiteInstance}}"><th scope="row"><a href="{{suiteHref}}">{{suiteName}}</a></th><td class="num">{{suiteInstance}}</td><td>{{#started}}{{>moment}}{{/started}}</td><td class="verdict verdict-{{verdictClass}}">{{verdict}}</td><td>{{passedRuns}} of {{runs}} passed</td><td>{{#passMeter}}<meter min="0" max="1" low="0.999" optimum="1" value="{{passMeter}}">{{passRate}}</meter> {{/passMeter}}{{passRate}}</td><td>{{failures}}</td></tr>
        {{/recent}}
        {{^recent}}
        <tr><td colspan="7" class="empty">No suite has completed recently.</td></tr>
        {{/recent}}
        </tbody>
        {{/hasSuites}}
        {{^hasSuites}}
        <tbody><tr><td colspan="7" class="empty">No suite yet: runs join a suite through their <code>suite</code> label (docs/spool.md).</td></tr></tbody>
        {{/hasSuites}}
        </table>
        {{>footer}}
        """#
}

extension ConsoleTemplates {
    /// 404 and 503.
    static let problem = #"""
        {{>header}}
        <h1>{{problemTitle}} <span class="status">({{problemStatus}})</span></h1>
        <p id="problem">{{message}}.</p>
        <p><a href="/">Overview</a> · <a href="/suites">Suites</a> · <a href="/deliveries">Deliveries</a></p>
        {{>footer}}
        """#
}

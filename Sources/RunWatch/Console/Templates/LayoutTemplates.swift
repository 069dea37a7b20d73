extension ConsoleTemplates {
    /// The start of every page, rendered with the page's `frame`. Pages showing live state
    /// reload every 10 seconds (`<meta http-equiv="refresh">`): live without JavaScript.
    static let header = #"""
        {{#frame}}
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{#refresh}}
        <meta http-equiv="refresh" content="10">
        {{/refresh}}
        <title>runwatch · {{pageTitle}}</title>
        <link rel="stylesheet" href="/console.css">
        </head>
        <body>
        <header>
        <nav>
        <a class="brand" href="/">runwatch</a>
        <a href="/"{{#atOverview}} aria-current="page"{{/atOverview}}>Overview</a>
        <a href="/suites"{{#atSuites}} aria-current="page"{{/atSuites}}>Suites</a>
        <a href="/deliveries"{{#atDeliveries}} aria-current="page"{{/atDeliveries}}>Deliveries</a>
        </nav>
        </header>
        <main>
        {{/frame}}
        """#

    static let footer = #"""
        {{#frame}}
        </main>
        <footer>
        <p>{{#generatedISO}}Generated <time datetime="{{.}}">{{.}}</time> · {{/generatedISO}}{{#refresh}}reloads every 10 seconds · {{/refresh}}read-only; the same data as JSON under <a href="/api/v1/overview">/api/v1</a></p>
        </footer>
        </body>
        </html>
        {{/frame}}
        """#

    /// A `ConsolePageText.Moment` (render inside its section).
    static let moment = #"""
        <time datetime="{{iso}}">{{iso}}</time> <span class="ago">({{ago}})</span>
        """#
}

/// `/console.css`: the console's only stylesheet (the CSP allows no inline style). System
/// fonts, no external resources; readable on a phone and in a dark terminal-room theme.
enum ConsoleStylesheet {
    static let css = """
        :root { color-scheme: light dark; --fg: #1d2125; --bg: #fbfbfc; --muted: #5b6470; --line: #d5d9de;
          --bad: #b3261e; --good: #1b7f3b; --warn: #8a5a00; --accent: #2457a6; }
        @media (prefers-color-scheme: dark) {
          :root { --fg: #e4e6e9; --bg: #15181c; --muted: #9aa3ad; --line: #343a41;
            --bad: #ff8a80; --good: #7bd88f; --warn: #f2c14e; --accent: #8ab4f8; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
        header { border-bottom: 1px solid var(--line); }
        nav { display: flex; flex-wrap: wrap; gap: 1.25rem; align-items: baseline; max-width: 80rem; margin: 0 auto; padding: .75rem 1rem; }
        nav a { color: var(--accent); text-decoration: none; }
        nav a[aria-current="page"] { font-weight: 600; text-decoration: underline; }
        nav .brand { font-weight: 700; color: var(--fg); margin-right: 1rem; }
        main { max-width: 80rem; margin: 0 auto; padding: 0 1rem 2rem; }
        footer { max-width: 80rem; margin: 0 auto; padding: 1rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); }
        h1 { font-size: 1.5rem; margin: 1.25rem 0 .75rem; overflow-wrap: anywhere; }
        h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; }
        a { color: var(--accent); }
        code { font: .9em ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
        table { border-collapse: collapse; min-width: min(100%, 36rem); margin: .5rem 0 1rem; }
        #suites, #suite-runs-table, #deliveries, #pending, #dead, #notifiers, #notifier-queues { width: 100%; }
        caption { text-align: left; color: var(--muted); padding: .25rem 0; }
        th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid var(--line); overflow-wrap: break-word; }
        td.error { overflow-wrap: anywhere; min-width: 12rem; }
        thead th { font-weight: 600; color: var(--muted); font-size: .85rem; }
        tbody th { font-weight: 500; }
        td.count, td.num, th.num, td.pending, td.dead, td.delivered { text-align: right; font-variant-numeric: tabular-nums; }
        tr.group th { background: transparent; color: var(--muted); font-size: .85rem; padding-top: 1rem; }
        .empty, .note, .ago { color: var(--muted); }
        .error, .disabled, .warning { color: var(--bad); }
        .enabled { color: var(--good); }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .5rem 0 1rem; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        dd ul, ol.attempts { margin: 0; padding-left: 1.1rem; }
        progress, meter { width: 8rem; height: .9rem; vertical-align: middle; margin: 0 .4rem; }
        .verdict-passed, .outcome-completed, .state-ok, .state-delivered { color: var(--good); }
        .verdict-failed, .verdict-empty, td.outcome.failed, .state-dead, .state-key_rejected { color: var(--bad); }
        .state-backing_off, .state-rate_limited, .state-pending, .verdict-running { color: var(--warn); }
        #api-state { font-weight: 600; color: inherit; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 1rem; }
        .charts h2 { grid-column: 1 / -1; }
        figure.chart { margin: 0; padding: .5rem; border: 1px solid var(--line); border-radius: 4px; }
        figure.chart figcaption { color: var(--muted); font-size: .85rem; margin-bottom: .25rem; }
        figure.chart svg { width: 100%; height: auto; display: block; }
        details summary { cursor: pointer; color: var(--muted); }
        """
}

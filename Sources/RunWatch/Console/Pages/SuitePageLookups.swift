import Mustache

// The suite page renders every run of a suite (thousands for a big nightly): each name a
// row does not hold (a nil scenario, error or dashboard) is looked up again in the levels
// around it, the page's `SuiteView` and `PageFrame`. swift-mustache reads a plain struct
// through a `Mirror` built for every lookup, about ten times slower than a switch, so the
// view models on that path answer by name. A nil field answers nil, as the `Mirror` did,
// so the engine keeps looking further out just as before (`ConsolePageLookupTests`
// checks every stored field answers by its own name).

extension SuiteView: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "frame": frame
        case "headName": headName
        case "headInstance": headInstance
        case "headVerdict": headVerdict
        case "headVerdictClass": headVerdictClass
        case "headStarted": headStarted
        case "headCompleted": headCompleted
        case "suiteRuns": suiteRuns
        case "suitePassed": suitePassed
        case "suiteEnded": suiteEnded
        case "suiteProgressMax": suiteProgressMax
        case "suitePassRate": suitePassRate
        case "suiteFailures": suiteFailures
        case "suiteDashboard": suiteDashboard
        case "labels": labels
        case "hasLabels": hasLabels
        case "expandingResults": expandingResults
        case "hasExpanding": hasExpanding
        case "runRows": runRows
        case "otherInstances": otherInstances
        case "hasOtherInstances": hasOtherInstances
        case "moreRuns": moreRuns
        case "moreRunsHref": moreRunsHref
        default: nil
        }
    }
}

extension SuiteView.Label: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "labelKey": labelKey
        case "labelValue": labelValue
        default: nil
        }
    }
}

extension SuiteRow: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "suiteName": suiteName
        case "suiteHref": suiteHref
        case "suiteInstance": suiteInstance
        case "verdict": verdict
        case "verdictClass": verdictClass
        case "isRunning": isRunning
        case "runs": runs
        case "endedRuns": endedRuns
        case "progressMax": progressMax
        case "passedRuns": passedRuns
        case "passRate": passRate
        case "passMeter": passMeter
        case "failures": failures
        case "started": started
        case "completed": completed
        case "expandingNote": expandingNote
        default: nil
        }
    }
}

extension PageFrame: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "pageTitle": pageTitle
        case "refresh": refresh
        case "generatedISO": generatedISO
        case "atOverview": atOverview
        case "atSuites": atSuites
        case "atDeliveries": atDeliveries
        default: nil
        }
    }
}

extension ConsolePageText.Moment: MustacheParent {
    package func child(named name: String) -> Any? {
        switch name {
        case "iso": iso
        case "ago": ago
        default: nil
        }
    }
}

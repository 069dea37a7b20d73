/// A 404, 421 or 503 page. The message is runwatch's own words, never a request's text.
package struct ProblemView: Sendable {
    package var frame: PageFrame
    package var problemStatus: Int
    package var problemTitle: String
    package var message: String

    package init(status: Int, message: String) {
        problemTitle =
            switch status {
            case 404: "Not found"
            case 421: "Misdirected request"
            case 503: "Unavailable"
            default: "Error"
            }
        frame = PageFrame(title: problemTitle.lowercased(), section: .none, refresh: false, generatedAt: nil)
        problemStatus = status
        self.message = message
    }
}

import AsyncHTTPClient
import NIOCore
import NIOPosix

/// The one way an outbound HTTP failure becomes text, for the API client and the
/// notifiers alike. It says what kind of failure it was and nothing else: AsyncHTTPClient's
/// and NIO's own descriptions can carry a header value (an invalid-header error prints the
/// value, which may be the API key), the URL (a Slack webhook URL is its credential) or a
/// peer's address, so none of them is ever printed.
package enum HTTPErrorText {
    package static func describe(_ error: any Error) -> String {
        if let bounded = error as? BoundedExchangeError { return bounded.description }
        if error is CancellationError { return "cancelled" }
        if let client = error as? HTTPClientError { return describe(client) }
        if let channel = error as? ChannelError {
            switch channel {
            case .connectTimeout: return "connect timeout"
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed: return "the connection was closed"
            default: return "connection error"
            }
        }
        if error is NIOConnectionError { return "cannot connect" }
        if let io = error as? IOError { return "I/O error (errno \(io.errnoCode))" }
        // A type name says enough (e.g. NIOSSLError for a TLS failure) and holds no data.
        return "\(type(of: error))"
    }

    private static func describe(_ error: HTTPClientError) -> String {
        switch error {
        case .connectTimeout: "connect timeout"
        case .readTimeout: "read timeout (no data for too long)"
        case .writeTimeout: "write timeout"
        case .deadlineExceeded: "deadline exceeded"
        case .remoteConnectionClosed: "the remote end closed the connection"
        case .cancelled: "cancelled"
        case .tlsHandshakeTimeout: "TLS handshake timeout"
        case .invalidURL, .emptyHost, .emptyScheme: "the URL is not usable"
        case .alreadyShutdown: "the HTTP client was shut down"
        case .bodyLengthMismatch: "the body length did not match Content-Length"
        // invalidHeaderFieldValues prints the values (a key, a token): name the kind only.
        default: "HTTP client error"
        }
    }
}

import Foundation
import GRDB

extension Daemon {
    /// Why the daemon could not start, and whether starting again can help: systemd
    /// restarts it (`Restart=on-failure`) unless the exit code is in
    /// `RestartPreventExitStatus=`, so the kind decides the exit code.
    package struct StartError: Error, CustomStringConvertible {
        package enum Kind: Sendable, Equatable {
            /// Needs the operator (no API key, an unreadable secret, a store from a newer
            /// version, a damaged store file, no permission): every restart would fail
            /// the same way.
            case permanent
            /// May pass by itself (disk full, an I/O error, the database busy): worth
            /// another try.
            case transient
            /// Another daemon holds `state_dir`: another try succeeds once it has gone.
            case locked
        }

        package var description: String
        package var kind: Kind

        package init(description: String, kind: Kind = .permanent) {
            self.description = description
            self.kind = kind
        }

        /// The kind of anything `Daemon.prepare` throws. When in doubt, transient: a
        /// needless retry costs a journal line every few seconds, a needless stop leaves
        /// the daemon down after the disk was freed.
        package static func kind(of error: any Error) -> Kind {
            switch error {
            case let error as StartError:
                return error.kind
            case is InstanceLock.Held:
                return .locked
            case SQLiteRunStore.OpenError.newerSchema:
                return .permanent
            case SQLiteRunStore.OpenError.cannotOpen(_, _, let underlying?):
                return kind(of: underlying)
            case let error as DatabaseError:
                switch error.resultCode {
                case .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
                    return .permanent
                default:
                    return .transient
                }
            case let error as POSIXError:
                return kind(errno: error.code.rawValue)
            case let error as CocoaError:
                switch error.code {
                case .fileWriteNoPermission, .fileReadNoPermission, .fileWriteVolumeReadOnly:
                    return .permanent
                default:
                    if let posix = error.userInfo[NSUnderlyingErrorKey] as? POSIXError { return kind(errno: posix.code.rawValue) }
                    return .transient
                }
            default:
                return .transient
            }
        }

        private static func kind(errno code: Int32) -> Kind {
            switch code {
            case EACCES, EPERM, EROFS, ENOTDIR, ELOOP, ENAMETOOLONG: .permanent
            default: .transient
            }
        }
    }
}

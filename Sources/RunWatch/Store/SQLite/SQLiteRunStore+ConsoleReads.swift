import Foundation
import GRDB
import RunWatchCore

extension SQLiteRunStore: ConsoleReads {}

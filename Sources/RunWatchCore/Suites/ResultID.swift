/// A Cekura result id: the parent of the runs one `run_scenarios` call created.
package typealias ResultID = Int

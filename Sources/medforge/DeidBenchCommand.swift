import ArgumentParser
import Foundation
import MedForgeDeid

/// End-to-end throughput: JSONL in, de-identified JSONL out, on all cores.
struct DeidBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deid-bench",
        abstract: "Measure de-identification throughput (chars/s, end to end through JSONL) and the slowest note.")

    @Option(help: "Generated notes to process (half English, half Chinese).") var notes: Int = 20000
    @Option(help: "Replacement mode.") var mode: String = "surrogate"
    @OptionGroup var tagger: TaggerArguments

    func run() throws {
        let en = SyntheticNotes.english(count: notes / 2, seed: 11), zh = SyntheticNotes.chinese(count: notes / 2, seed: 12)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("medforge-deid-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let inPath = dir.appendingPathComponent("in.jsonl").path
        let w = try LineWriter(path: inPath)
        for (i, d) in (en + zh).enumerated() { try w.write("{\"id\": \(i), \"text\": \(JSONOut.quoted(d.text))}") }
        try w.close()
        var options = DeidOptions(mode: ReplacementMode(rawValue: mode) ?? .surrogate)
        try tagger.apply(to: &options)
        let deid = Deidentifier(options: options, key: Array("bench".utf8))
        let pipeline = DeidPipeline(deid: deid)
        guard let h = FileHandle(forReadingAtPath: inPath) else { throw ValidationError("cannot reopen \(inPath)") }
        let out = try LineWriter(path: dir.appendingPathComponent("out.jsonl").path)
        let t0 = Date(), c0 = processCPUSeconds()
        let stats = try pipeline.runJSONL(input: h, source: inPath, output: out.write, audit: nil, reject: { _ in })
        try out.close()
        let secs = Date().timeIntervalSince(t0), cpu = processCPUSeconds() - c0
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print(String(format: "deid-bench: %d notes, %d chars; wall %.2f s = %.0f chars/s on %d cores (shared machine)",
                     stats.documents, stats.characters, secs, Double(stats.characters) / secs, cores))
        print(String(format: "deid-bench: CPU %.2f s = %.0f chars per CPU-second, i.e. %.0f chars/s on %d idle cores; slowest note %.2f ms CPU",
                     cpu, Double(stats.characters) / cpu, Double(stats.characters) / cpu * Double(cores), cores, stats.maxDocumentSeconds * 1000))
        // Adversarial: 1 MB of text built to stress every scanner.
        let pieces = ["a@", "1-", "Dr. ", "http://", "1/2/", "(", "Mr. A", "年", "月", "9", ".", "号", "患者", " "]
        var bad = ""
        var k = 0
        while bad.utf8.count < 1 << 20 { bad += pieces[k % pieces.count]; k += 1 }
        let t1 = Date(), c1 = threadCPUSeconds()
        _ = deid.deidentify(bad)
        print(String(format: "deid-bench: adversarial 1 MB note in %.1f ms wall, %.1f ms CPU", Date().timeIntervalSince(t1) * 1000, (threadCPUSeconds() - c1) * 1000))
    }
}

import ArgumentParser
import Foundation
import MedForgeDeid

/// `medforge deid --in PATH --out PATH [--lang en|zh|auto] [--mode tag|mask|surrogate|hash] [--key-file PATH] [--audit PATH]`
struct DeidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deid",
        abstract: "De-identify clinical text (JSONL lines {\"id\", \"text\"}, a plain text file, or a folder of text files).")

    @Option(name: .customLong("in"), help: "Input: .jsonl file, plain text file, or a directory of text files.") var input: String
    @Option(name: .customLong("out"), help: "Output path (JSONL for JSONL or directory input, text for a text file).") var output: String
    @Option(help: "Language: en, zh or auto (per document).") var lang: String = "auto"
    @Option(help: "Replacement: tag, mask, surrogate or hash.") var mode: String = "tag"
    @Option(name: .customLong("key-file"), help: "Corpus key for surrogates and hashes (raw bytes). Without it a random key is used.") var keyFile: String?
    @Option(help: "Audit JSONL: offsets, type, rule and keyed hash per span; never text.") var audit: String?
    @Option(help: "Reject JSONL (default: OUT.rejects.jsonl).") var rejects: String?
    @Option(name: .customLong("min-age"), help: "Ages at or above this are PHI (Safe Harbor: 90).") var minAge: Int = 90
    @OptionGroup var tagger: TaggerArguments

    func validate() throws {
        guard DeidLanguage(rawValue: lang) != nil else { throw ValidationError("--lang must be en, zh or auto (found \(lang))") }
        guard ReplacementMode(rawValue: mode) != nil else { throw ValidationError("--mode must be tag, mask, surrogate or hash (found \(mode))") }
        guard FileManager.default.fileExists(atPath: input) else { throw ValidationError("--in: no such file or directory: \(input)") }
    }

    func run() throws {
        let key = try DeidCommand.loadKey(keyFile)
        var options = DeidOptions(language: DeidLanguage(rawValue: lang) ?? .auto, mode: ReplacementMode(rawValue: mode) ?? .tag, minimumAge: minAge)
        try tagger.apply(to: &options)
        var pipeline = DeidPipeline(deid: Deidentifier(options: options, key: key))
        if isatty(2) == 1 {
            let total = (try? FileManager.default.attributesOfItem(atPath: input)[.size] as? Int) ?? nil
            pipeline.progress = { docs, bytes in
                let pct = total.map { $0 > 0 ? String(format: " %3.0f%%", 100 * Double(bytes) / Double($0)) : "" } ?? ""
                FileHandle.standardError.write(Data("\rdeid: \(docs) documents\(pct)".utf8))
            }
        }
        // Resume: a checkpoint from an interrupted run over the same input cuts the outputs back to
        // the last finished batch and skips the input lines it covered.
        let checkpointPath = output + ".checkpoint.json"
        var resume: DeidCheckpoint? = nil
        if let data = FileManager.default.contents(atPath: checkpointPath), let cp = try? JSONDecoder().decode(DeidCheckpoint.self, from: data), cp.input == input {
            resume = cp
            FileHandle.standardError.write(Data("deid: resuming after input line \(cp.lines)\n".utf8))
        }
        let out = try LineWriter(path: output, keep: resume?.out)
        let auditWriter = try audit.map { try LineWriter(path: $0, keep: resume?.audit) }
        let rejectWriter = try LineWriter(path: rejects ?? output + ".rejects.jsonl", keep: resume?.rejects)
        pipeline.skipLines = resume?.lines ?? 0
        pipeline.batchDone = { lines in
            let cp = DeidCheckpoint(input: input, lines: lines, out: try out.offset(), audit: try auditWriter?.offset(), rejects: try rejectWriter.offset())
            try JSONEncoder().encode(cp).write(to: URL(fileURLWithPath: checkpointPath), options: .atomic)
        }
        var isDir: ObjCBool = false
        FileManager.default.fileExists(atPath: input, isDirectory: &isDir)
        let stats: DeidRunStats
        if isDir.boolValue {
            stats = try DeidFiles.runDirectory(input, pipeline: pipeline, output: out.write, audit: auditWriter?.write, reject: rejectWriter.write)
        } else if DeidFiles.looksLikeJSONL(input) {
            guard let h = FileHandle(forReadingAtPath: input) else { throw ValidationError("--in: cannot open \(input)") }
            stats = try pipeline.runJSONL(input: h, source: input, output: out.write, audit: auditWriter?.write, reject: rejectWriter.write)
        } else {
            stats = try DeidFiles.runTextFile(input, pipeline: pipeline, output: out.write, audit: auditWriter?.write, reject: rejectWriter.write)
        }
        try out.close(); try auditWriter?.close(); try rejectWriter.close()
        try? FileManager.default.removeItem(atPath: checkpointPath)
        if isatty(2) == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
        FileHandle.standardError.write(Data("deid: \(stats.summary)\n".utf8))
    }

    static func loadKey(_ path: String?) throws -> [UInt8] {
        if let path {
            guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
                throw ValidationError("--key-file: cannot read a non-empty key from \(path)")
            }
            var bytes = [UInt8](data)
            while let last = bytes.last, last == 10 || last == 13 { bytes.removeLast() }
            return bytes
        }
        FileHandle.standardError.write(Data("deid: no --key-file; using a random key (surrogates consistent within this run only)\n".utf8))
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
    }
}

/// Where an interrupted JSONL run stopped: input lines done and output lengths at that point.
struct DeidCheckpoint: Codable {
    var input: String
    var lines: Int
    var out: UInt64
    var audit: UInt64?
    var rejects: UInt64
}

/// Plain text files and folders: each file is one document.
enum DeidFiles {
    static func looksLikeJSONL(_ path: String) -> Bool {
        if path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") { return true }
        guard let h = FileHandle(forReadingAtPath: path), let head = try? h.read(upToCount: 4096) else { return false }
        try? h.close()
        return head.first(where: { $0 != 32 && $0 != 10 && $0 != 13 && $0 != 9 && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }) == UInt8(ascii: "{")
    }

    static let maxTextBytes = 64 << 20

    /// Reads one file as a document: rejects binary, empty, oversized or undecodable files.
    static func readDocument(_ path: String) -> Result<String, RejectReason> {
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attrs[.size] as? Int else { return .failure(.invalidEncoding) }
        if size > maxTextBytes { return .failure(.lineTooLong) }
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(.invalidEncoding) }
        if data.contains(0) { return .failure(.binary) }
        guard let text = data.withUnsafeBytes({ DocumentDecoder.decodeText($0) }) else { return .failure(.invalidEncoding) }
        if text.allSatisfy({ $0.isWhitespace }) { return .failure(.empty) }
        return .success(text)
    }

    static func runTextFile(_ path: String, pipeline: DeidPipeline, output: DeidPipeline.Sink, audit: DeidPipeline.Sink?, reject: DeidPipeline.Sink) throws -> DeidRunStats {
        var stats = DeidRunStats()
        let id = JSONOut.quoted((path as NSString).lastPathComponent)
        switch readDocument(path) {
        case .failure(let reason):
            stats.rejected = 1; stats.rejectReasons[reason] = 1
            try reject(JSONOut.rejectLine(line: 0, id: id, reason: reason, source: path))
        case .success(let text):
            let r = pipeline.deid.deidentify(text, patient: id)
            stats.documents = 1; stats.characters = text.unicodeScalars.count
            for s in r.spans { stats.perType[s.type, default: 0] += 1 }
            try output(r.text.hasSuffix("\n") ? String(r.text.dropLast()) : r.text)
            try audit?(JSONOut.auditLine(id: id, result: r))
        }
        return stats
    }

    static func runDirectory(_ dir: String, pipeline: DeidPipeline, output: DeidPipeline.Sink, audit: DeidPipeline.Sink?, reject: DeidPipeline.Sink) throws -> DeidRunStats {
        var stats = DeidRunStats()
        let files = (FileManager.default.enumerator(atPath: dir)?.compactMap { $0 as? String } ?? []).sorted()
        for rel in files {
            let path = (dir as NSString).appendingPathComponent(rel)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
            let id = JSONOut.quoted(rel)
            switch readDocument(path) {
            case .failure(let reason):
                stats.rejected += 1; stats.rejectReasons[reason, default: 0] += 1
                try reject(JSONOut.rejectLine(line: 0, id: id, reason: reason, source: path))
            case .success(let text):
                let r = pipeline.deid.deidentify(text, patient: id)
                stats.documents += 1; stats.characters += text.unicodeScalars.count
                for s in r.spans { stats.perType[s.type, default: 0] += 1 }
                try output(JSONOut.outputLine(id: id, text: r.text, spans: r.spans))
                try audit?(JSONOut.auditLine(id: id, result: r))
            }
        }
        return stats
    }
}

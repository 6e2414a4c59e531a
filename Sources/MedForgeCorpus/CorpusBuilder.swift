// ingestion -> de-identification -> DP on numeric fields -> dedup -> augmentation -> export.
// Work goes in batches over both cores; after each batch the outputs are flushed and a checkpoint
// records how many records of each input are done and how long each output file is. A restarted
// build truncates outputs to the checkpoint and skips finished records: nothing lost, nothing twice.

import Foundation
import MedForgeDeid

public struct CorpusOptions: Sendable {
    public var inputs: [String] = []
    public var outputDirectory: String = "corpus"
    public var format: IngestFormat = .auto
    public var deid = DeidOptions(mode: .surrogate)
    public var key: [UInt8] = []
    public var dpColumns: [DPColumn] = []
    public var dpBudget: Double = 1.0
    public var dpSeed: UInt64 = 0
    public var synonyms: SynonymTable? = nil
    public var augmentCopies = 1
    public var validationFraction = 0.05
    public var nearDuplicateThreshold = 0.8
    public var batchSize = 256
    /// Keep the dedup index in memory (grows ~1 KB per document) instead of `dedup-index/` in the output directory.
    public var dedupInMemory = false
    /// Stop after this many records (tests use it to simulate a kill).
    public var stopAfter: Int? = nil
    public var progress: (@Sendable (Int) -> Void)? = nil
    public init() {}
}

/// Counts written to the dataset card and the checkpoint. No text.
public struct CorpusStats: Codable, Sendable {
    public var records = 0, train = 0, validation = 0, augmented = 0
    public var rejected = 0, exactDuplicates = 0, nearDuplicates = 0
    public var phiPerType: [String: Int] = [:]
    public var rejectReasons: [String: Int] = [:]
    public var perKind: [String: Int] = [:]
    public var dpValues = 0
}

struct Checkpoint: Codable {
    /// Input files finished, counted in the (sorted, deterministic) order `Ingest.files` lists them; they are
    /// not named one by one, so a folder of a million notes keeps the checkpoint small.
    var filesDone: Int? = nil
    var done: [String: Int] = [:]          // input file in progress -> records consumed
    var bytes: [String: UInt64] = [:]      // output file -> length at checkpoint
    var stats = CorpusStats()
    var finished = false
}

public final class CorpusBuilder {
    let options: CorpusOptions
    let deid: Deidentifier
    var releaser: DPReleaser
    var dedup: Deduplicator
    var checkpoint = Checkpoint()
    var duplicateBase = (exact: 0, near: 0)   // counts from before a resume
    var outputs: [String: FileHandle] = [:]
    let files = ["train.jsonl", "validation.jsonl", "rejects.jsonl"]

    public init(options: CorpusOptions) throws {
        self.options = options
        deid = Deidentifier(options: options.deid, key: options.key)
        releaser = try DPReleaser(columns: options.dpColumns, totalEpsilon: options.dpBudget, seed: options.dpSeed)
        dedup = Deduplicator(threshold: options.nearDuplicateThreshold)   // replaced by the on-disk index in `run`
    }

    var checkpointPath: String { (options.outputDirectory as NSString).appendingPathComponent("checkpoint.json") }
    func path(_ f: String) -> String { (options.outputDirectory as NSString).appendingPathComponent(f) }

    /// Runs (or resumes) the build. Returns the stats; writes train/validation/rejects JSONL and DATASET_CARD.md.
    @discardableResult
    public func run() throws -> CorpusStats {
        try FileManager.default.createDirectory(atPath: options.outputDirectory, withIntermediateDirectories: true)
        if let data = FileManager.default.contents(atPath: checkpointPath), let cp = try? JSONDecoder().decode(Checkpoint.self, from: data) {
            checkpoint = cp
            if cp.finished { return cp.stats }
        }
        for f in files {
            let p = path(f)
            if !FileManager.default.fileExists(atPath: p) { FileManager.default.createFile(atPath: p, contents: nil) }
            guard let h = FileHandle(forUpdatingAtPath: p) else { throw CorpusError.unreadable(path: p, reason: "cannot open for writing") }
            let keep = checkpoint.bytes[f] ?? 0
            try h.truncate(atOffset: keep)   // drop anything written after the last checkpoint
            try h.seekToEnd()
            outputs[f] = h
        }
        // The dedup index lives on disk next to the outputs, so memory does not grow with the corpus. It is
        // rebuilt from the outputs kept at the checkpoint, so it never remembers a text that was cut off.
        if options.dedupInMemory {
            dedup = Deduplicator(threshold: options.nearDuplicateThreshold)
        } else {
            dedup = Deduplicator(threshold: options.nearDuplicateThreshold, index: try DiskDedupIndex(directory: path("dedup-index")))
        }
        try rebuildDedup()
        duplicateBase = (checkpoint.stats.exactDuplicates, checkpoint.stats.nearDuplicates)
        dedup.resetCounts()
        var processedThisRun = 0
        var batch: [CorpusRecord] = []
        var stopped = false
        for (fileIndex, input) in options.inputs.flatMap(Ingest.files).enumerated() {
            if fileIndex < checkpoint.filesDone ?? 0 { continue }
            let skip = checkpoint.done[input] ?? 0
            var seen = 0
            var rejectsHere: [String] = []
            try Ingest.read(input, format: options.format, reject: { where_, reason in
                rejectsHere.append(JSONOut.rejectLine(line: 0, id: JSONOut.quoted(where_), reason: reason, source: (input as NSString).lastPathComponent))
                self.checkpoint.stats.rejected += 1
                self.checkpoint.stats.rejectReasons[reason.rawValue, default: 0] += 1
            }) { record in
                seen += 1
                if seen <= skip { return true }
                batch.append(record)
                if batch.count >= options.batchSize {
                    try process(batch, input: input, consumed: seen, rejects: rejectsHere)
                    processedThisRun += batch.count; rejectsHere = []; batch = []
                    options.progress?(checkpoint.stats.records)
                    if let stop = options.stopAfter, processedThisRun >= stop { stopped = true; return false }
                }
                return true
            }
            if stopped { break }
            // The file is finished: count it and forget its entry (saved with the next checkpoint).
            checkpoint.filesDone = fileIndex + 1
            if !batch.isEmpty || !rejectsHere.isEmpty || seen > skip {
                try process(batch, input: input, consumed: nil, rejects: rejectsHere)
                processedThisRun += batch.count; batch = []
            }
            checkpoint.done[input] = nil
        }
        if !stopped {
            checkpoint.finished = true
            try saveCheckpoint()
            try writeCard()
            try? FileManager.default.removeItem(atPath: path("dedup-index"))   // only needed while the build can resume
        }
        for h in outputs.values { try h.close() }
        return checkpoint.stats
    }

    /// De-identifies, releases, dedups, augments and writes one batch, then checkpoints.
    /// `consumed` is how many records of `input` are done, or nil when the whole file is.
    func process(_ batch: [CorpusRecord], input: String, consumed: Int?, rejects: [String]) throws {
        let results = parallelMap(batch) { r -> (DeidResult, DeidResult?) in
            (deid.deidentify(r.text, patient: r.id), r.title.map { deid.deidentify($0, patient: r.id) })
        }
        var out: [String: [String]] = [:]
        out["rejects.jsonl"] = rejects
        var texts: [String] = []
        texts.reserveCapacity(batch.count)
        for (record, (result, title)) in zip(batch, results) {
            checkpoint.stats.records += 1
            checkpoint.stats.perKind[record.kind, default: 0] += 1
            for s in result.spans { checkpoint.stats.phiPerType[s.type.rawValue, default: 0] += 1 }
            for s in title?.spans ?? [] { checkpoint.stats.phiPerType[s.type.rawValue, default: 0] += 1 }
            var text = result.text
            for (column, value, type) in record.phiFields {
                checkpoint.stats.phiPerType[type.rawValue, default: 0] += 1
                text += (text.isEmpty ? "" : "; ") + "\(column): \(deid.replace(value, type: type, patient: record.id))"
            }
            for (column, value) in record.numeric {
                if let noisy = releaser.release(value, column: column, record: record.id) {
                    checkpoint.stats.dpValues += 1
                    text += (text.isEmpty ? "" : "; ") + "\(column): \(String(format: "%.2f", noisy))"
                } else {   // not a protected column: released as is
                    text += (text.isEmpty ? "" : "; ") + "\(column): \(value)"
                }
            }
            texts.append(text)
        }
        // MinHash signatures, synonym copies and export lines on all cores; admission to the dedup index stays
        // sequential, in input order, so the output is the same as a one-core run's.
        let hasher = dedup
        let prepared = parallelMap(Array(texts.indices)) { i -> (Deduplicator.Fingerprint, Bool, String, String?) in
            let record = batch[i], text = texts[i], title = results[i].1
            var augmented: String? = nil
            if let syn = options.synonyms, options.augmentCopies > 0,
               let aug = syn.augment(text, seed: SHA256.hash(Array(record.id.utf8)).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }) {
                augmented = exportLine(record, text: aug, title: title?.text, augmented: true)
            }
            return (hasher.fingerprint(text), isValidation(record.id), exportLine(record, text: text, title: title?.text, augmented: false),
                    augmented)
        }
        for (fingerprint, validation, line, augmented) in prepared {
            guard try dedup.admit(fingerprint) else { continue }
            let split = validation ? "validation.jsonl" : "train.jsonl"
            if split == "train.jsonl" { checkpoint.stats.train += 1 } else { checkpoint.stats.validation += 1 }
            out[split, default: []].append(line)
            if let augmented {
                checkpoint.stats.augmented += 1
                out[split, default: []].append(augmented)
            }
        }
        for (f, lines) in out where !lines.isEmpty {
            guard let h = outputs[f] else { continue }
            try h.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
        }
        for (f, h) in outputs { try h.synchronize(); checkpoint.bytes[f] = try h.offset() }
        checkpoint.done[input] = consumed
        checkpoint.stats.exactDuplicates = duplicateBase.exact + dedup.exactDuplicates
        checkpoint.stats.nearDuplicates = duplicateBase.near + dedup.nearDuplicates
        try saveCheckpoint()
    }

    /// Stable split by a hash of the record id.
    func isValidation(_ id: String) -> Bool {
        let h = SHA256.hash(Array(id.utf8))
        return Double(UInt16(h[0]) << 8 | UInt16(h[1])) / 65536.0 < options.validationFraction
    }

    /// Chat-format line: MEDLINE becomes title -> abstract; other records a continuation task.
    func exportLine(_ r: CorpusRecord, text: String, title: String?, augmented: Bool) -> String {
        let user: String, assistant: String
        if let title {
            user = "Write the abstract of a biomedical article titled: \(title)"; assistant = text
        } else if r.kind.hasPrefix("csv:") || r.kind.hasPrefix("fhir:") {
            user = "Write out this de-identified \(r.kind) record as plain text."; assistant = text
        } else {
            let chars = Array(text)
            let cut = chars.count / 2
            user = "Continue this de-identified clinical document:\n" + String(chars[..<cut]); assistant = String(chars[cut...])
        }
        // File names can carry PHI (Synthea names bundles after the patient): export keyed hashes, not names.
        let id = "doc-" + deid.surrogates.mac.hex("record|" + r.id, bytes: 8)
        let source = "src-" + deid.surrogates.mac.hex("source|" + r.source, bytes: 4)
        return "{\"id\": \(JSONOut.quoted(id)), \"source\": \(JSONOut.quoted(source)), \"kind\": \(JSONOut.quoted(r.kind)), \"augmented\": \(augmented), \"messages\": [{\"role\": \"user\", \"content\": \(JSONOut.quoted(user))}, {\"role\": \"assistant\", \"content\": \(JSONOut.quoted(assistant))}]}"
    }

    /// On resume, re-admits already exported (non-augmented) texts so duplicates stay out across the restart.
    func rebuildDedup() throws {
        for f in ["train.jsonl", "validation.jsonl"] {
            guard let h = FileHandle(forReadingAtPath: path(f)) else { continue }
            var reader = LineReader(handle: h, maxLineBytes: 64 << 20)
            while let (_, line) = try reader.next() {
                guard case .text(let bytes) = line, !bytes.isEmpty,
                      let obj = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
                      obj["augmented"] as? Bool == false,
                      let msgs = obj["messages"] as? [[String: Any]], msgs.count == 2 else { continue }
                let user = msgs[0]["content"] as? String ?? "", assistant = msgs[1]["content"] as? String ?? ""
                let prefix = "Continue this de-identified clinical document:\n"
                _ = try dedup.admit(user.hasPrefix(prefix) ? String(user.dropFirst(prefix.count)) + assistant : assistant)
            }
            try h.close()
        }
    }

    func saveCheckpoint() throws {
        let data = try JSONEncoder().encode(checkpoint)
        let tmp = checkpointPath + ".tmp"
        try data.write(to: URL(fileURLWithPath: tmp))
        // rename(2) replaces the old checkpoint atomically: a kill leaves the old one or the new one, never none.
        guard rename(tmp, checkpointPath) == 0 else { throw CorpusError.unreadable(path: checkpointPath, reason: "cannot replace checkpoint") }
    }

    func writeCard() throws {
        let s = checkpoint.stats
        var lines = ["# Dataset card", "", "Built by `medforge corpus build`. All text de-identified (mode: \(options.deid.mode.rawValue)) before export.", "",
                     "## Counts", "", "| item | count |", "|---|---|",
                     "| records read | \(s.records) |", "| train | \(s.train) |", "| validation | \(s.validation) |",
                     "| augmented copies (vocabulary synonyms) | \(s.augmented) |", "| rejected inputs | \(s.rejected) |",
                     "| exact duplicates removed | \(s.exactDuplicates) |", "| near duplicates removed (MinHash, J >= \(options.nearDuplicateThreshold)) | \(s.nearDuplicates) |", "",
                     "## Records per kind", "", "| kind | count |", "|---|---|"]
        lines += s.perKind.sorted { $0.key < $1.key }.map { "| \($0.key) | \($0.value) |" }
        lines += ["", "## PHI replaced per type", "", "| type | spans |", "|---|---|"]
        lines += s.phiPerType.sorted { $0.key < $1.key }.map { "| \($0.key) | \($0.value) |" }
        lines += ["", "## Differential privacy", "", "Total budget epsilon = \(releaser.ledger.totalEpsilon); spent \(releaser.ledger.spentEpsilon); values released: \(s.dpValues).", "",
                  "| column | mechanism | bounds | epsilon | noise scale | values | clamped | mean abs error | RMSE |", "|---|---|---|---|---|---|---|---|---|"]
        for c in options.dpColumns {
            let u = releaser.utility[c.name] ?? DPUtility()
            lines.append(String(format: "| %@ | %@ | [%g, %g] | %g | %.4g | %d | %d | %.4g | %.4g |", c.name as NSString, c.mechanism.rawValue as NSString,
                                c.lower, c.upper, c.epsilon, c.scale, u.count, u.clamped, u.meanAbsError, u.rmse))
        }
        if !s.rejectReasons.isEmpty {
            lines += ["", "## Rejected inputs", "", "| reason | count |", "|---|---|"]
            lines += s.rejectReasons.sorted { $0.key < $1.key }.map { "| \($0.key) | \($0.value) |" }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path("DATASET_CARD.md"), atomically: true, encoding: .utf8)
    }
}

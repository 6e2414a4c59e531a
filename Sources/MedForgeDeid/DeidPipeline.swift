// Streaming de-identification of files: JSONL or plain text in, JSONL (or plain text) out, an audit
// with keyed hashes instead of text, and a reject file that says why a document was not processed.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a document went to the reject file instead of the output. Never carries document text.
public enum RejectReason: String, Sendable, Codable, Error {
    case invalidEncoding = "invalid-encoding"   // neither UTF-8 nor GB18030
    case binary = "binary"                      // NUL bytes
    case lineTooLong = "line-too-long"
    case empty = "empty"
    case invalidJSON = "invalid-json"
    case missingText = "missing-text"           // JSON object without a string "text"
}

/// One input document after decoding.
public struct InputDocument: Sendable {
    /// The id as a JSON literal (`"a-1"` or `17`), written back verbatim.
    public var idJSON: String
    public var text: String
    /// Key for the per-patient date shift: `patient_id` if present, else the id.
    public var patient: String
    public var line: Int
}

public enum DocumentDecoder {
    /// UTF-8 when valid, else GB18030 (a superset of GBK and GB2312), else nil.
    public static func decodeText(_ bytes: UnsafeRawBufferPointer) -> String? {
        if let s = String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) { return s }
        return decodeGB18030(Array(bytes.bindMemory(to: UInt8.self)))
    }

    public static func decodeGB18030(_ bytes: [UInt8]) -> String? {
        #if canImport(Glibc)
        let cd = iconv_open("UTF-8", "GB18030")
        guard cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 16)
        let written: Int? = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr = UnsafeMutableRawPointer(inBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                var outPtr = UnsafeMutableRawPointer(outBuf.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outBuf.count
                let r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                return r == -1 || inLeft != 0 ? nil : outBuf.count - outLeft
            }
        }
        guard let n = written else { return nil }
        return String(validating: output[..<n], as: UTF8.self)
        #else
        return nil
        #endif
    }

    /// Parses one JSONL line into a document, or a reject reason.
    public static func parseJSONLine(_ bytes: UnsafeRawBufferPointer, line: Int) -> Result<InputDocument, RejectReason> {
        if bytes.contains(0) { return .failure(.binary) }
        guard let text = decodeText(bytes) else { return .failure(.invalidEncoding) }
        guard let data = text.data(using: .utf8),
              let obj = (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) as? [String: Any] else {
            return .failure(.invalidJSON)
        }
        guard let body = obj["text"] as? String else { return .failure(.missingText) }
        if body.allSatisfy({ $0.isWhitespace }) { return .failure(.empty) }
        var idJSON = String(line)
        if let s = obj["id"] as? String { idJSON = JSONOut.quoted(s) }
        else if let n = obj["id"] as? NSNumber { idJSON = n.stringValue }
        let patient = (obj["patient_id"] as? String) ?? (obj["patient_id"] as? NSNumber)?.stringValue ?? idJSON
        return .success(InputDocument(idJSON: idJSON, text: body, patient: patient, line: line))
    }
}

/// Minimal JSON writing for output lines (faster than JSONSerialization and with a fixed key order).
public enum JSONOut {
    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        out.append(34)
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var utf8 = Array(s.utf8)
        utf8.withUnsafeMutableBufferPointer { buf in
            var i = 0
            while i < buf.count {
                let b = buf[i]
                switch b {
                case 34: out.append(92); out.append(34)
                case 92: out.append(92); out.append(92)
                case 10: out.append(92); out.append(110)
                case 13: out.append(92); out.append(114)
                case 9: out.append(92); out.append(116)
                case 0..<32:
                    out.append(contentsOf: [92, 117, 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
                case 0xE2 where i + 2 < buf.count && buf[i + 1] == 0x80 && (buf[i + 2] == 0xA8 || buf[i + 2] == 0xA9):
                    // U+2028 / U+2029 escaped for JavaScript-safe JSON.
                    out.append(contentsOf: Array("\\u202".utf8)); out.append(buf[i + 2] == 0xA8 ? 56 : 57); i += 2
                default: out.append(b)
                }
                i += 1
            }
        }
        out.append(34)
        return String(decoding: out, as: UTF8.self)
    }

    /// `{"id": ..., "text": ..., "spans": [...]}` — the CLI contract.
    public static func outputLine(id: String, text: String, spans: [PHISpan]) -> String {
        var s = "{\"id\": \(id), \"text\": \(quoted(text)), \"spans\": ["
        s += spans.map { "{\"start\": \($0.start), \"end\": \($0.end), \"type\": \"\($0.type.rawValue)\"}" }.joined(separator: ", ")
        return s + "]}"
    }

    /// Audit line: offsets, type, rule and keyed hash of each original; never the original text.
    public static func auditLine(id: String, result: DeidResult) -> String {
        var s = "{\"id\": \(id), \"language\": \"\(result.language.rawValue)\", \"spans\": ["
        s += zip(result.spans, result.originalHashes).map {
            "{\"start\": \($0.start), \"end\": \($0.end), \"type\": \"\($0.type.rawValue)\", \"rule\": \"\($0.rule)\", \"hmac\": \"\($1)\"}"
        }.joined(separator: ", ")
        return s + "]}"
    }

    public static func rejectLine(line: Int, id: String?, reason: RejectReason, source: String) -> String {
        "{\"source\": \(quoted(source)), \"line\": \(line), \"id\": \(id ?? "null"), \"reason\": \"\(reason.rawValue)\"}"
    }
}

/// Splits a byte stream into lines with a length cap, reading a fixed-size chunk at a time.
public struct LineReader {
    let handle: FileHandle
    let maxLine: Int
    var buffer: [UInt8] = []
    var start = 0
    var eof = false
    public private(set) var lineNumber = 0
    public private(set) var bytesRead = 0

    public init(handle: FileHandle, maxLineBytes: Int) { self.handle = handle; self.maxLine = maxLineBytes }

    public enum Line { case text(ArraySlice<UInt8>), tooLong }

    /// Next line (without its newline), `.tooLong` for a line over the cap (skipped), nil at end of file.
    public mutating func next() throws -> (Int, Line)? {
        var skipping = false
        while true {
            if let nl = buffer[start...].firstIndex(of: 10) {
                let line = buffer[start..<nl]
                start = nl + 1
                lineNumber += 1
                if skipping || line.count > maxLine { return (lineNumber, .tooLong) }
                var l = line
                if l.last == 13 { l = l.dropLast() }
                return (lineNumber, .text(l))
            }
            if buffer.count - start > maxLine { skipping = true; buffer.removeAll(keepingCapacity: true); start = 0 }
            if eof {
                guard start < buffer.count || skipping else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                if skipping { return (lineNumber, .tooLong) }
                return (lineNumber, .text(line))
            }
            if start > 0 { buffer.removeFirst(start); start = 0 }
            let chunk = try handle.read(upToCount: 1 << 22) ?? Data()
            if chunk.isEmpty { eof = true } else { buffer.append(contentsOf: chunk); bytesRead += chunk.count }
        }
    }
}

public struct DeidRunStats: Sendable {
    public var documents = 0, rejected = 0, characters = 0
    public var perType: [PHIType: Int] = [:]
    public var rejectReasons: [RejectReason: Int] = [:]
    /// Largest per-note thread CPU time.
    public var maxDocumentSeconds = 0.0
    public init() {}

    /// Counts only: safe to log.
    public var summary: String {
        var parts = ["documents=\(documents)", "rejected=\(rejected)", "characters=\(characters)"]
        parts += perType.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }
        parts += rejectReasons.sorted { $0.key.rawValue < $1.key.rawValue }.map { "reject.\($0.key.rawValue)=\($0.value)" }
        return parts.joined(separator: " ")
    }
}

/// De-identifies a JSONL stream batch by batch on all cores, keeping input order.
public struct DeidPipeline {
    public let deid: Deidentifier
    public var maxLineBytes = 32 << 20
    public var batchSize = 512
    /// Called after each batch with (documents done, input bytes read); the CLI draws a progress line.
    public var progress: ((Int, Int) -> Void)? = nil
    /// Input lines already done by an earlier, interrupted run: read and skipped.
    public var skipLines = 0
    /// Called after each batch's lines are handed to the sinks, with the number of input lines done.
    /// The CLI flushes its files and writes a checkpoint here.
    public var batchDone: ((Int) throws -> Void)? = nil
    /// Stop after this many batches (tests use it to simulate a kill).
    public var maxBatches: Int? = nil

    public init(deid: Deidentifier) { self.deid = deid }

    public typealias Sink = (String) throws -> Void

    public func runJSONL(input: FileHandle, source: String, output: Sink, audit: Sink?, reject: Sink) throws -> DeidRunStats {
        var reader = LineReader(handle: input, maxLineBytes: maxLineBytes)
        var stats = DeidRunStats()
        var batch: [(Int, LineReader.Line)] = []
        func flush() throws {
            let parsed: [Result<InputDocument, RejectReason>] = parallelMap(batch) { (line, content) in
                switch content {
                case .tooLong: return .failure(.lineTooLong)
                case .text(let bytes):
                    if bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { return .failure(.empty) }
                    return bytes.withUnsafeBytes { DocumentDecoder.parseJSONLine($0, line: line) }
                }
            }
            let docs = parsed.compactMap { try? $0.get() }
            let results = parallelMap(docs) { doc -> (DeidResult, Double) in
                let t0 = threadCPUSeconds()
                let r = deid.deidentify(doc.text, patient: doc.patient)
                return (r, threadCPUSeconds() - t0)
            }
            var k = 0
            for (i, p) in parsed.enumerated() {
                switch p {
                case .failure(let reason):
                    stats.rejected += 1
                    stats.rejectReasons[reason, default: 0] += 1
                    try reject(JSONOut.rejectLine(line: batch[i].0, id: nil, reason: reason, source: source))
                case .success(let doc):
                    let (r, secs) = results[k]; k += 1
                    stats.documents += 1
                    stats.characters += doc.text.unicodeScalars.count
                    stats.maxDocumentSeconds = max(stats.maxDocumentSeconds, secs)
                    for s in r.spans { stats.perType[s.type, default: 0] += 1 }
                    try output(JSONOut.outputLine(id: doc.idJSON, text: r.text, spans: r.spans))
                    try audit?(JSONOut.auditLine(id: doc.idJSON, result: r))
                }
            }
            let last = batch.last?.0
            batch.removeAll(keepingCapacity: true)
            progress?(stats.documents + stats.rejected, reader.bytesRead)
            if let last { try batchDone?(last) }
        }
        var batches = 0
        while let line = try reader.next() {
            if line.0 <= skipLines { continue }
            batch.append(line)
            if batch.count >= batchSize {
                try flush(); batches += 1
                if let m = maxBatches, batches >= m { return stats }
            }
        }
        try flush()
        return stats
    }
}

/// CPU time of the calling thread: per-note cost that does not count time the scheduler gave to others.
public func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// CPU time (user + system) of the whole process.
public func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Buffered appending writer for output files.
public final class LineWriter {
    let handle: FileHandle
    var buffer: [UInt8] = []
    /// Creates (truncates) `path`, or with `keep` reopens it cut back to `keep` bytes to resume after a kill.
    public init(path: String, keep: UInt64? = nil) throws {
        if keep == nil || !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw DeidError.io(path: path, reason: "cannot create output file") }
        }
        guard let h = FileHandle(forUpdatingAtPath: path) else { throw DeidError.io(path: path, reason: "cannot open output file") }
        try h.truncate(atOffset: keep ?? 0)
        try h.seekToEnd()
        handle = h
        buffer.reserveCapacity(1 << 20)
    }

    /// Bytes written so far (after `flush`).
    public func offset() throws -> UInt64 { try flush(); return try handle.offset() }
    public func write(_ line: String) throws {
        buffer.append(contentsOf: line.utf8); buffer.append(10)
        if buffer.count >= 1 << 20 { try flush() }
    }
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
    public func close() throws { try flush(); try handle.close() }
}

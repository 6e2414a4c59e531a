// Readers that turn input files into records: JSONL, plain text, CSV (e.g. Synthea tables),
// FHIR R4 bundles and MEDLINE XML (gzip via the system gzip). UTF-8 or GB18030.

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MedForgeDeid

/// One document on its way through the pipeline.
public struct CorpusRecord: Sendable {
    public var id: String
    public var source: String
    public var kind: String                 // "note", "csv:<table>", "fhir:<resource>", "medline"
    public var text: String                 // free text to de-identify
    public var numeric: [(String, Double)]  // numeric fields (DP candidates), in column order
    public var title: String? = nil         // MEDLINE title
    /// Structured values whose column says they are PHI: (column, value, type). Replaced whole.
    public var phiFields: [(String, String, PHIType)] = []
}

public enum IngestFormat: String, Sendable, CaseIterable { case auto, jsonl, text, csv, fhir, medline }

public enum Ingest {
    public static func format(of path: String) -> IngestFormat {
        let p = path.lowercased()
        if p.hasSuffix(".jsonl") || p.hasSuffix(".ndjson") { return .jsonl }
        if p.hasSuffix(".csv") { return .csv }
        if p.hasSuffix(".xml") || p.hasSuffix(".xml.gz") { return .medline }
        if p.hasSuffix(".json") { return .fhir }
        return .text
    }

    /// Input files under `path` (a file or a directory, recursively, sorted for a stable order).
    public static func files(_ path: String) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { return [] }
        guard isDir.boolValue else { return [path] }
        let all = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
        return all.sorted().map { (path as NSString).appendingPathComponent($0) }.filter {
            var d: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && !d.boolValue
        }
    }

    /// Calls `body` for each record of `path` in order; `body` returns false to stop early.
    /// Undecodable inputs are reported through `reject` with a reason, never with text.
    public static func read(_ path: String, format: IngestFormat, reject: (String, RejectReason) -> Void,
                            _ body: (CorpusRecord) throws -> Bool) throws {
        let f = format == .auto ? Ingest.format(of: path) : format
        let name = (path as NSString).lastPathComponent
        switch f {
        case .jsonl:
            guard let h = FileHandle(forReadingAtPath: path) else { throw CorpusError.unreadable(path: path, reason: "cannot open") }
            var reader = LineReader(handle: h, maxLineBytes: 32 << 20)
            while let (n, line) = try reader.next() {
                guard case .text(let bytes) = line else { reject("\(name):\(n)", .lineTooLong); continue }
                if bytes.isEmpty { continue }
                switch bytes.withUnsafeBytes({ DocumentDecoder.parseJSONLine($0, line: n) }) {
                case .failure(let r): reject("\(name):\(n)", r)
                case .success(let d):
                    let id = d.idJSON.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    if try !body(CorpusRecord(id: "\(name):\(id)", source: name, kind: "note", text: d.text, numeric: [])) { return }
                }
            }
        case .text:
            // One file is one document; a file too large to be a note is refused before it is read.
            if let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value, size > 32 << 20 { reject(name, .lineTooLong); return }
            guard let data = FileManager.default.contents(atPath: path) else { throw CorpusError.unreadable(path: path, reason: "cannot read") }
            if data.contains(0) { reject(name, .binary); return }
            guard let text = data.withUnsafeBytes({ DocumentDecoder.decodeText($0) }) else { reject(name, .invalidEncoding); return }
            if text.allSatisfy({ $0.isWhitespace }) { reject(name, .empty); return }
            _ = try body(CorpusRecord(id: name, source: name, kind: "note", text: text, numeric: []))
        case .csv:
            try readCSV(path, name: name, reject: reject, body)
        case .fhir:
            try readFHIR(path, name: name, reject: reject, body)
        case .medline:
            try readMedline(path, name: name, reject: reject, body)
        case .auto:
            break
        }
    }

    // MARK: CSV

    /// Column names (upper-case) that hold PHI in EHR exports such as Synthea's tables.
    static let phiColumns: [String: PHIType] = [
        "FIRST": .name, "LAST": .name, "MAIDEN": .name, "NAME": .name, "SUFFIX": .name, "PREFIX": .name,
        "SSN": .ssn, "DRIVERS": .license, "PASSPORT": .license, "ADDRESS": .address, "BIRTHPLACE": .city,
        "CITY": .city, "COUNTY": .city, "ZIP": .zip, "LAT": .address, "LON": .address, "PHONE": .phone,
        "BIRTHDATE": .date, "DEATHDATE": .date, "EMAIL": .email,
    ]

    /// RFC 4180 fields of one record; quoted fields may contain commas, quotes ("") and newlines.
    static func csvFields(_ line: String) -> [String] {
        var fields: [String] = [], cur = "", quoted = false
        var it = line.makeIterator()
        while let c = it.next() {
            if quoted {
                if c == "\"" { quoted = false } else { cur.append(c) }
            } else if c == "\"" {
                if cur.last == "\"" { } ; quoted = true
            } else if c == "," { fields.append(cur); cur = "" } else { cur.append(c) }
        }
        fields.append(cur)
        return fields
    }

    static func readCSV(_ path: String, name: String, reject: (String, RejectReason) -> Void, _ body: (CorpusRecord) throws -> Bool) throws {
        guard let h = FileHandle(forReadingAtPath: path) else { throw CorpusError.unreadable(path: path, reason: "cannot open") }
        var reader = LineReader(handle: h, maxLineBytes: 8 << 20)
        var header: [String]? = nil
        var pending = ""
        let table = (name as NSString).deletingPathExtension
        while let (n, line) = try reader.next() {
            guard case .text(let bytes) = line else { reject("\(name):\(n)", .lineTooLong); continue }
            guard let text = bytes.withUnsafeBytes({ DocumentDecoder.decodeText($0) }) else { reject("\(name):\(n)", .invalidEncoding); continue }
            pending += pending.isEmpty ? text : "\n" + text
            if pending.filter({ $0 == "\"" }).count % 2 == 1 { continue }   // a quoted newline: keep reading
            let fields = csvFields(pending)
            pending = ""
            guard let cols = header else { header = fields; continue }
            var parts: [String] = [], numeric: [(String, Double)] = [], phi: [(String, String, PHIType)] = []
            for (k, v) in fields.enumerated() where k < cols.count && !v.isEmpty {
                if let type = phiColumns[cols[k].uppercased()] { phi.append((cols[k], v, type)); continue }
                if let d = Double(v), !cols[k].uppercased().hasSuffix("ID") && cols[k].uppercased() != "CODE" { numeric.append((cols[k], d)) }
                else { parts.append("\(cols[k]): \(v)") }
            }
            var record = CorpusRecord(id: "\(name):\(n)", source: name, kind: "csv:\(table)", text: parts.joined(separator: "; "), numeric: numeric)
            record.phiFields = phi
            if try !body(record) { return }
        }
    }

    // MARK: FHIR

    static func readFHIR(_ path: String, name: String, reject: (String, RejectReason) -> Void, _ body: (CorpusRecord) throws -> Bool) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw CorpusError.unreadable(path: path, reason: "cannot read") }
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { reject(name, .invalidJSON); return }
        let resources: [[String: Any]]
        if obj["resourceType"] as? String == "Bundle" {
            resources = (obj["entry"] as? [[String: Any]] ?? []).compactMap { $0["resource"] as? [String: Any] }
        } else { resources = [obj] }
        for (k, r) in resources.enumerated() {
            let type = r["resourceType"] as? String ?? "Resource"
            var parts: [String] = []
            var numeric: [(String, Double)] = []
            func display(_ any: Any?) -> String? {
                guard let c = any as? [String: Any] else { return nil }
                if let t = c["text"] as? String { return t }
                return (c["coding"] as? [[String: Any]])?.first?["display"] as? String
            }
            if let names = r["name"] as? [[String: Any]], let n = names.first {
                let given = (n["given"] as? [String] ?? []).joined(separator: " ")
                parts.append("Name: \(given) \(n["family"] as? String ?? "")")
            }
            if let b = r["birthDate"] as? String { parts.append("DOB: \(b)") }
            if let addr = (r["address"] as? [[String: Any]])?.first {
                let line = (addr["line"] as? [String] ?? []).joined(separator: " ")
                parts.append("Address: \(line), \(addr["city"] as? String ?? ""), \(addr["state"] as? String ?? "") \(addr["postalCode"] as? String ?? "")")
            }
            if let c = display(r["code"]) { parts.append("\(type): \(c)") }
            if let start = (r["effectiveDateTime"] ?? r["onsetDateTime"] ?? (r["period"] as? [String: Any])?["start"]) as? String { parts.append("Date: \(start)") }
            if let q = r["valueQuantity"] as? [String: Any], let v = (q["value"] as? NSNumber)?.doubleValue {
                numeric.append(("\(type).value", v))
                if let u = q["unit"] as? String { parts.append("Unit: \(u)") }
            }
            if parts.isEmpty { continue }
            let id = "\(name):\(r["id"] as? String ?? String(k))"
            if try !body(CorpusRecord(id: id, source: name, kind: "fhir:\(type)", text: parts.joined(separator: "; "), numeric: numeric)) { return }
        }
    }

    // MARK: MEDLINE

    /// A file for reading; `.gz` files through the system gzip (the process is returned so the caller can wait
    /// for it or stop it).
    static func openMaybeGzip(_ path: String) throws -> (FileHandle, Process?) {
        guard path.hasSuffix(".gz") else {
            guard let h = FileHandle(forReadingAtPath: path) else { throw CorpusError.unreadable(path: path, reason: "cannot open") }
            return (h, nil)
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/gzip")
        p.arguments = ["-dc", path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        return (pipe.fileHandleForReading, p)
    }

    /// Streams a MEDLINE/PubMed XML file (optionally gzip, decompressed by the system gzip): the bytes
    /// are cut at each `</PubmedArticle>` / `</MedlineCitation>` and only one article is parsed at a time,
    /// so memory stays bounded by the largest article, not the file.
    static func readMedline(_ path: String, name: String, reject: (String, RejectReason) -> Void, _ body: (CorpusRecord) throws -> Bool) throws {
        let (handle, process) = try openMaybeGzip(path)
        defer { process?.terminate() }
        let ends = [Array("</PubmedArticle>".utf8), Array("</MedlineCitation>".utf8)]
        var buffer: [UInt8] = []
        var articleStart = 0
        var found = 0
        var stop = false
        func emit(_ bytes: ArraySlice<UInt8>) throws {
            let collector = MedlineCollector()
            let parser = XMLParser(data: Data("<Set>".utf8) + Data(bytes) + Data("</Set>".utf8))
            parser.delegate = collector
            _ = parser.parse()
            for a in collector.articles where !a.abstract.isEmpty {
                found += 1
                if try !body(CorpusRecord(id: "pmid:\(a.pmid)", source: name, kind: "medline", text: a.abstract, numeric: [], title: a.title)) { stop = true; return }
            }
        }
        while !stop {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            buffer.append(contentsOf: chunk)
            // Find complete articles: an article starts at its opening tag and ends at the matching end tag.
            var searchFrom = articleStart
            while !stop, let (end, tag) = firstEnd(buffer, from: searchFrom, ends) {
                let openTag: [UInt8] = tag == 0 ? Array("<PubmedArticle>".utf8) : Array("<MedlineCitation".utf8)
                let begin = lastIndex(of: openTag, in: buffer, before: end, after: articleStart) ?? articleStart
                // A MedlineCitation inside a PubmedArticle waits for the article end.
                if tag == 1, lastIndex(of: Array("<PubmedArticle>".utf8), in: buffer, before: end, after: articleStart) != nil {
                    searchFrom = end; continue
                }
                try emit(buffer[begin..<end])
                articleStart = end
                searchFrom = end
            }
            if articleStart > 0 { buffer.removeFirst(articleStart); articleStart = 0 }
        }
        if found == 0 { reject(name, .invalidEncoding) }
    }

    /// End offset of the first end tag at or after `from`, and which tag it was.
    static func firstEnd(_ b: [UInt8], from: Int, _ tags: [[UInt8]]) -> (Int, Int)? {
        var i = from
        while i < b.count {
            if b[i] == 60 {   // <
                for (k, t) in tags.enumerated() where i + t.count <= b.count && b[i..<(i + t.count)].elementsEqual(t) { return (i + t.count, k) }
            }
            i += 1
        }
        return nil
    }

    static func lastIndex(of tag: [UInt8], in b: [UInt8], before end: Int, after start: Int) -> Int? {
        var i = end - tag.count
        while i >= start {
            if b[i] == 60 && b[i..<(i + tag.count)].elementsEqual(tag) { return i }
            i -= 1
        }
        return nil
    }
}

final class MedlineCollector: NSObject, XMLParserDelegate {
    struct Article { var pmid = "", title = "", abstract = "" }
    var articles: [Article] = []
    var current: Article? = nil
    var element = ""
    var buffer = ""
    var inArticle = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "PubmedArticle" { current = Article(); inArticle = true }
        if name == "MedlineCitation" && current == nil { current = Article() }
        element = name
        buffer = ""
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { buffer += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard current != nil else { return }
        switch name {
        case "PMID": if current?.pmid.isEmpty == true { current?.pmid = buffer.trimmingCharacters(in: .whitespacesAndNewlines) }
        case "ArticleTitle": current?.title = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
        case "AbstractText":
            let t = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
            current?.abstract += (current?.abstract.isEmpty == true ? "" : "\n") + t
        case "PubmedArticle": if let a = current { articles.append(a) }; current = nil; inArticle = false
        case "MedlineCitation" where !inArticle: if let a = current { articles.append(a) }; current = nil   // MedlineCitationSet files
        default: break
        }
        buffer = ""
    }
}

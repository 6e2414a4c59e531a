// Synonym augmentation from real vocabularies: HPO term names and their synonyms (hp.obo), ICD-10-CM
// descriptions and inclusion terms, and MeSH descriptor names (from MEDLINE XML or PubMedQA items).
// A document that mentions a term gets an extra copy with the term replaced by a synonym. Groups
// from different vocabularies that share a term merge into one group.

import Foundation

public struct SynonymTable: Sendable {
    /// Lower-cased term -> synonyms (original casing), each group including the term itself.
    public private(set) var groups: [String: [String]] = [:]
    /// Terms by first word, for a scan that looks only at words present in the text.
    var byFirstWord: [String: [String]] = [:]
    /// Words of a term, lower-cased and sorted (`carcinoma hepatocellular`) -> the lower-cased term:
    /// how a MeSH heading finds the same term written in another word order.
    var byWords: [String: String] = [:]

    public init() {}

    /// Parses `[Term]` stanzas of an OBO file: `name:` and quoted `synonym:` values (EXACT only).
    public static func loadOBO(_ text: String, maxTerms: Int = .max) -> SynonymTable {
        var table = SynonymTable()
        var name: String? = nil
        var syns: [String] = []
        func flush() {
            if let n = name, !syns.isEmpty { table.add([n] + syns) }
            name = nil; syns = []
        }
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {   // `\r\n` is one Character
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line == "[Term]" || line == "[Typedef]" { flush(); if table.groups.count >= maxTerms { break }; continue }
            if line.hasPrefix("name: ") { name = String(line.dropFirst(6)) }
            else if line.hasPrefix("synonym: \""), line.contains("EXACT") {
                let body = line.dropFirst(10)
                if let end = body.firstIndex(of: "\"") { syns.append(String(body[..<end])) }
            }
        }
        flush()
        return table
    }

    /// ICD-10-CM tabular XML: each `<diag>`'s `<desc>` grouped with its inclusion-term `<note>`s
    /// (`Cholera due to Vibrio cholerae 01, biovar cholerae` ~ `Classical cholera`). Line-based scan.
    public static func loadICD10CM(_ text: String, into table: SynonymTable = SynonymTable()) -> SynonymTable {
        var t = table
        var desc: String? = nil, notes: [String] = [], inInclusion = false
        func value(_ line: Substring, _ tag: String) -> String? {
            guard let a = line.range(of: "<\(tag)>"), let b = line.range(of: "</\(tag)>"), a.upperBound <= b.lowerBound else { return nil }
            return String(line[a.upperBound..<b.lowerBound])
                .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        }
        func flush() { if let d = desc, !notes.isEmpty { t.add([d] + notes) }; desc = nil; notes = [] }
        for line in text.split(whereSeparator: \.isNewline) {   // the released file has CRLF line ends
            if line.contains("<diag>") { flush(); continue }
            if line.contains("<inclusionTerm>") { inInclusion = true; continue }
            if line.contains("</inclusionTerm>") { inInclusion = false; continue }
            if let d = value(line, "desc"), desc == nil { desc = d; continue }
            if inInclusion, let n = value(line, "note"), !n.contains("(") || n.count < 60 { notes.append(n) }
        }
        flush()
        return t
    }

    /// Adds a group of equivalent terms, merged with every group that already holds one of its terms
    /// (and, with `linkByWords`, one with the same words in another order).
    mutating func add(_ group: [String], linkByWords: Bool = false) {
        var merged: [String] = [], seen: Set<String> = []
        func take(_ terms: [String]) { for term in terms where seen.insert(term.lowercased()).inserted { merged.append(term) } }
        take(group)
        for term in group {
            if let g = groups[term.lowercased()] { take(g) }
            if linkByWords, let key = byWords[SynonymTable.wordsKey(term)], let g = groups[key] { take(g) }
        }
        for term in merged where term.count >= 4 {
            let key = term.lowercased()
            // First word as `augment` splits text (letters only), so `carcinoma, hepatocellular` files under `carcinoma`.
            if groups[key] == nil, let first = key.split(whereSeparator: { !$0.isLetter }).first { byFirstWord[String(first), default: []].append(key) }
            groups[key] = merged
            byWords[SynonymTable.wordsKey(term)] = key
        }
    }

    static func wordsKey(_ term: String) -> String {
        term.lowercased().split { !$0.isLetter && !$0.isNumber }.sorted().joined(separator: " ")
    }

    // MARK: MeSH

    /// MeSH descriptor names in MEDLINE/PubMed XML (`<DescriptorName UI="D006528" ...>Carcinoma,
    /// Hepatocellular</DescriptorName>`), each once, in order of first appearance.
    public static func meshDescriptors(medlineXML text: String) -> [String] {
        // A forward scan over the UTF-8 bytes: linear in the file (Substring searches re-bridge the rest each time).
        let b = Array(text.utf8)
        let open = Array("<DescriptorName".utf8), close = Array("</DescriptorName>".utf8)
        func find(_ pattern: [UInt8], from start: Int) -> Int? {
            var i = start
            while i + pattern.count <= b.count {
                if b[i] == pattern[0] && b[i..<(i + pattern.count)].elementsEqual(pattern) { return i }
                i += 1
            }
            return nil
        }
        var out: [String] = [], seen: Set<String> = []
        var pos = 0
        while let a = find(open, from: pos) {
            var gt = a + open.count
            while gt < b.count && b[gt] != UInt8(ascii: ">") { gt += 1 }
            guard gt < b.count, let c = find(close, from: gt + 1) else { break }
            let name = unescapeXML(String(decoding: b[(gt + 1)..<c], as: UTF8.self)).trimmingCharacters(in: .whitespacesAndNewlines)
            if !name.isEmpty, seen.insert(name).inserted { out.append(name) }
            pos = c + close.count
        }
        return out
    }

    /// MeSH terms of PubMedQA items (`{"<pmid>": {"MESHES": ["Carcinoma, Hepatocellular", ...]}}`).
    public static func meshDescriptors(pubMedQA data: Data) throws -> [String] {
        guard let items = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CorpusError.unreadable(path: "PubMedQA JSON", reason: "expected an object of items")
        }
        var out: [String] = [], seen: Set<String> = []
        for key in items.keys.sorted() {
            for name in (items[key] as? [String: Any])?["MESHES"] as? [String] ?? [] where seen.insert(name).inserted { out.append(name) }
        }
        return out
    }

    /// Descriptor names from a file: PubMedQA JSON (`.json`), MEDLINE XML, or gzip-compressed XML
    /// (`.gz`, through the system gzip).
    public static func meshDescriptors(path: String) throws -> [String] {
        if path.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: path) else { throw CorpusError.unreadable(path: path, reason: "cannot read") }
            return try meshDescriptors(pubMedQA: data)
        }
        let (handle, process) = try Ingest.openMaybeGzip(path)
        let data = handle.readDataToEndOfFile()
        if let process {
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw CorpusError.unreadable(path: path, reason: "gzip failed") }
        }
        return meshDescriptors(medlineXML: String(decoding: data, as: UTF8.self))
    }

    /// The natural word order of an inverted MeSH heading: `Carcinoma, Hepatocellular` ->
    /// `Hepatocellular carcinoma`, `Diabetes Mellitus, Type 2` -> `Type 2 diabetes mellitus`. Nil for a
    /// heading that is not inverted (no comma, several commas, or a parenthesis). Words after the
    /// first are lower-cased unless they carry a capital past their first letter (`DNA`, `Non-Hodgkin`).
    public static func naturalOrder(_ heading: String) -> String? {
        let parts = heading.components(separatedBy: ", ")
        guard parts.count == 2, !heading.contains("("), !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return sentenceCase(parts[1] + " " + parts[0])
    }

    /// MeSH title case to running-text case: words after the first lose their capital unless they carry
    /// another one (`Diabetes Mellitus, Type 2` -> `Diabetes mellitus, type 2`; `DNA` stays).
    static func sentenceCase(_ heading: String) -> String {
        heading.split(separator: " ").enumerated().map { i, w in
            if i == 0 || w.dropFirst().contains(where: { $0.isUppercase }) { return String(w) }
            return w.prefix(1).lowercased() + w.dropFirst()
        }.joined(separator: " ")
    }

    /// Adds MeSH descriptors: an inverted heading forms a group with its natural order, and a
    /// descriptor joins any HPO or ICD-10 group holding the same words (in any order), so
    /// `Carcinoma, Hepatocellular` ~ `Hepatocellular carcinoma` ~ that term's HPO synonyms.
    public mutating func addMeSH(_ descriptors: [String]) {
        for d in descriptors {
            let surface = SynonymTable.sentenceCase(d)
            if let natural = SynonymTable.naturalOrder(d) { add([natural, surface], linkByWords: true) } else { add([surface], linkByWords: true) }
        }
    }

    static func unescapeXML(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// A copy of `text` with the first known term replaced by a synonym chosen by `seed`, or nil.
    public func augment(_ text: String, seed: UInt64) -> String? {
        let lower = text.lowercased()
        for word in Set(lower.split { !$0.isLetter }.map(String.init)) {
            for key in (byFirstWord[word] ?? []).sorted(by: { $0.count > $1.count }) {
                guard let range = lower.range(of: key), let group = groups[key] else { continue }
                let choices = group.filter { $0.lowercased() != key }
                guard !choices.isEmpty else { continue }
                let pick = choices[Int(seed % UInt64(choices.count))]
                let start = text.index(text.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: range.lowerBound))
                let end = text.index(start, offsetBy: key.count)
                guard lower.count == text.count else { return nil }
                return text.replacingCharacters(in: start..<end, with: pick)
            }
        }
        return nil
    }
}

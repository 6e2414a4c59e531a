// Synonym augmentation from real vocabularies: HPO term names and their synonyms (hp.obo).
// A document that mentions a term gets an extra copy with the term replaced by a synonym.

import Foundation

public struct SynonymTable: Sendable {
    /// Lower-cased term -> synonyms (original casing), each group including the term itself.
    public private(set) var groups: [String: [String]] = [:]
    /// Terms by first word, for a scan that looks only at words present in the text.
    var byFirstWord: [String: [String]] = [:]

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
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
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
        for line in text.split(separator: "\n") {
            if line.contains("<diag>") { flush(); continue }
            if line.contains("<inclusionTerm>") { inInclusion = true; continue }
            if line.contains("</inclusionTerm>") { inInclusion = false; continue }
            if let d = value(line, "desc"), desc == nil { desc = d; continue }
            if inInclusion, let n = value(line, "note"), !n.contains("(") || n.count < 60 { notes.append(n) }
        }
        flush()
        return t
    }

    mutating func add(_ group: [String]) {
        for term in group where term.count >= 4 {
            let key = term.lowercased()
            groups[key] = group
            if let first = key.split(separator: " ").first { byFirstWord[String(first), default: []].append(key) }
        }
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

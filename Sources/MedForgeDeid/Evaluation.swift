// Span-level evaluation against gold annotations: recall per gold type (overlap and full
// coverage), precision per predicted type (a prediction is correct if it overlaps any gold span).

import Foundation

public struct GoldSpan: Sendable, Hashable {
    public var start: Int, end: Int, type: String
    public init(start: Int, end: Int, type: String) { self.start = start; self.end = end; self.type = type }
}

public struct GoldDocument: Sendable {
    public var text: String
    public var spans: [GoldSpan]
    public init(text: String, spans: [GoldSpan]) { self.text = text; self.spans = spans }
}

public struct EvaluationReport: Sendable {
    public struct Counts: Sendable { public var total = 0, overlap = 0, full = 0 }
    public var recall: [String: Counts] = [:]           // by gold type
    public var precision: [String: (correct: Int, total: Int)] = [:]   // by predicted type
    public var excluded: Set<String> = []
    public var documents = 0
    public var characters = 0

    public var overallRecall: (overlap: Double, full: Double) {
        let c = recall.filter { !excluded.contains($0.key) }.values
        let total = c.reduce(0) { $0 + $1.total }
        guard total > 0 else { return (0, 0) }
        return (Double(c.reduce(0) { $0 + $1.overlap }) / Double(total), Double(c.reduce(0) { $0 + $1.full }) / Double(total))
    }
    public var overallPrecision: Double {
        let total = precision.values.reduce(0) { $0 + $1.total }
        return total == 0 ? 1 : Double(precision.values.reduce(0) { $0 + $1.correct }) / Double(total)
    }

    /// A fixed-width table for the terminal.
    public func table(title: String) -> String {
        var lines = ["== \(title): \(documents) documents, \(characters) characters"]
        lines.append("gold type              n   recall(overlap)  recall(full)")
        for (type, c) in recall.sorted(by: { $0.key < $1.key }) {
            let note = excluded.contains(type) ? "  (not PHI; excluded from overall)" : ""
            lines.append(String(format: "%-18@ %6d   %.3f            %.3f%@", type as NSString, c.total,
                                ratio(c.overlap, c.total), ratio(c.full, c.total), note as NSString))
        }
        lines.append("predicted type         n   precision(overlap)")
        for (type, p) in precision.sorted(by: { $0.key < $1.key }) {
            lines.append(String(format: "%-18@ %6d   %.3f", type as NSString, p.total, ratio(p.correct, p.total)))
        }
        let r = overallRecall
        lines.append(String(format: "OVERALL recall(overlap) %.3f  recall(full) %.3f  precision %.3f", r.overlap, r.full, overallPrecision))
        return lines.joined(separator: "\n")
    }

    func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
}

public enum Evaluator {
    /// Scores `deid` on `documents`. Gold types in `excluded` are reported but left out of the overall recall;
    /// predictions overlapping them are not counted as errors.
    public static func evaluate(_ documents: [GoldDocument], deid: Deidentifier, excluded: Set<String> = []) -> EvaluationReport {
        var report = EvaluationReport()
        report.excluded = excluded
        let results = parallelMap(documents) { deid.detect($0.text).spans }
        for (doc, predicted) in zip(documents, results) {
            report.documents += 1
            report.characters += doc.text.unicodeScalars.count
            for g in doc.spans where g.end > g.start {
                var c = report.recall[g.type] ?? .init()
                c.total += 1
                if predicted.contains(where: { $0.start < g.end && $0.end > g.start }) { c.overlap += 1 }
                if covered(g, by: predicted) { c.full += 1 }
                report.recall[g.type] = c
            }
            for p in predicted {
                var e = report.precision[p.type.rawValue] ?? (0, 0)
                e.total += 1
                if doc.spans.contains(where: { $0.start < p.end && $0.end > p.start }) { e.correct += 1 }
                report.precision[p.type.rawValue] = e
            }
        }
        return report
    }

    /// True when every non-space scalar of the gold span lies inside some predicted span.
    static func covered(_ g: GoldSpan, by predicted: [PHISpan]) -> Bool {
        var pos = g.start
        for p in predicted.sorted(by: { $0.start < $1.start }) where p.end > pos && p.start <= pos {
            pos = max(pos, p.end)
            if pos >= g.end { return true }
        }
        return pos >= g.end
    }

    /// Presidio-research `synth_dataset_v2.json`: offsets are Python code points, i.e. Unicode scalars.
    public static func loadPresidio(_ data: Data) throws -> [GoldDocument] {
        guard let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw DeidError.invalidInput(expected: "a JSON list of {full_text, spans}", found: "another JSON shape")
        }
        return list.compactMap { item in
            guard let text = item["full_text"] as? String else { return nil }
            let spans = (item["spans"] as? [[String: Any]] ?? []).compactMap { s -> GoldSpan? in
                guard let a = s["start_position"] as? Int, let b = s["end_position"] as? Int, let t = s["entity_type"] as? String else { return nil }
                return GoldSpan(start: a, end: b, type: t)
            }
            return GoldDocument(text: text, spans: spans)
        }
    }

    /// Hand-annotated notes: documents separated by a line `=====`, each PHI span written inline as
    /// `{{TYPE|surface}}`. Offsets of the returned spans are Unicode scalars into the text with the
    /// markup removed. Unbalanced or empty markup is an error naming the document, never a silent skip.
    public static func loadMarkup(_ source: String) throws -> [GoldDocument] {
        var documents: [GoldDocument] = []
        var block: [Substring] = []
        func flush() throws {
            let raw = block.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            block.removeAll()
            if raw.isEmpty { return }
            documents.append(try parseMarkup(raw, document: documents.count + 1))
        }
        // `\r\n` is one Character in Swift, so split on either form.
        for line in source.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let body = line.hasSuffix("\r") ? line.dropLast() : line
            if body == "=====" { try flush() } else { block.append(body) }
        }
        try flush()
        return documents
    }

    static func parseMarkup(_ raw: String, document: Int) throws -> GoldDocument {
        let s = Array(raw.unicodeScalars)
        var text = String.UnicodeScalarView()
        var spans: [GoldSpan] = []
        var i = 0, n = 0
        func bad(_ what: String) -> DeidError {
            .invalidInput(expected: "`{{TYPE|surface}}` markup", found: "\(what) in document \(document)")
        }
        while i < s.count {
            if s[i] == "{", i + 1 < s.count, s[i + 1] == "{" {
                var j = i + 2
                var type = ""
                while j < s.count, s[j] != "|", s[j] != "}", s[j] != "\n" { type.unicodeScalars.append(s[j]); j += 1 }
                guard j < s.count, s[j] == "|", !type.isEmpty else { throw bad("a `{{` without `TYPE|`") }
                j += 1
                let start = n
                while j < s.count, !(s[j] == "}" && j + 1 < s.count && s[j + 1] == "}") {
                    guard s[j] != "{", s[j] != "|" else { throw bad("nested markup") }
                    text.append(s[j]); n += 1; j += 1
                }
                guard j < s.count, n > start else { throw bad("an unclosed or empty `{{\(type)|`") }
                spans.append(GoldSpan(start: start, end: n, type: type))
                i = j + 2
            } else {
                if s[i] == "}", i + 1 < s.count, s[i + 1] == "}" { throw bad("a stray `}}`") }
                text.append(s[i]); n += 1; i += 1
            }
        }
        return GoldDocument(text: String(text), spans: spans)
    }

    /// Presidio types that are not identifiers under HIPAA Safe Harbor.
    public static let presidioNonPHI: Set<String> = ["TITLE", "NRP", regionType, ageUnder90Type, yearOnlyType]

    /// Gold type given to presidio AGE spans below 90: Safe Harbor removes only ages over 89.
    public static let ageUnder90Type = "AGE_UNDER_90"

    /// Gold type given to presidio DATE_TIME spans that are a year alone (`in 1977`): Safe Harbor removes
    /// every element of a date except the year. Weekdays, times, dates with a day or month stay DATE_TIME.
    public static let yearOnlyType = "DATE_YEAR_ONLY"

    /// The full Safe Harbor scoring policy: countries and states (`retypingRegions`), ages below 90 and
    /// bare years are retyped so they are reported apart and left out of the overall recall.
    public static func safeHarbor(_ documents: [GoldDocument]) -> [GoldDocument] {
        retypingRegions(documents).map { doc in
            let scalars = Array(doc.text.unicodeScalars)
            var out = doc
            out.spans = doc.spans.map { g in
                guard g.type == "AGE" || g.type == "DATE_TIME", g.start >= 0, g.end <= scalars.count, g.start < g.end else { return g }
                let body = scalars[g.start..<g.end].filter { !$0.properties.isWhitespace }
                guard !body.isEmpty, body.count <= 4, body.allSatisfy({ $0.value >= 48 && $0.value <= 57 }) else { return g }
                let value = body.reduce(0) { $0 * 10 + Int($1.value - 48) }
                if g.type == "AGE" { return value < 90 ? GoldSpan(start: g.start, end: g.end, type: ageUnder90Type) : g }
                return body.count == 4 ? GoldSpan(start: g.start, end: g.end, type: yearOnlyType) : g
            }
            return out
        }
    }

    /// Gold type given to presidio GPE spans that name a whole country or US state.
    public static let regionType = "GPE_COUNTRY_OR_STATE"

    /// Safe Harbor place policy: only subdivisions smaller than a state are PHI, so gold `GPE` spans
    /// whose text is a country or US state (`Estonia`, `Texas`) are retyped `GPE_COUNTRY_OR_STATE`
    /// and reported apart; cities, towns and counties stay `GPE`.
    public static func retypingRegions(_ documents: [GoldDocument]) -> [GoldDocument] {
        documents.map { doc in
            let scalars = Array(doc.text.unicodeScalars)
            var out = doc
            out.spans = doc.spans.map { g in
                guard g.type == "GPE", g.start >= 0, g.end <= scalars.count, g.start < g.end else { return g }
                var text = ""
                text.unicodeScalars.append(contentsOf: scalars[g.start..<g.end])
                let words = text.split(separator: " ").joined(separator: " ")
                let key = upperKey(Array(words.unicodeScalars.map(\.value)), 0, words.unicodeScalars.count)
                return Gazetteer.regions.contains(key) ? GoldSpan(start: g.start, end: g.end, type: regionType) : g
            }
            return out
        }
    }
}

/// Order-preserving map over both cores.
public func parallelMap<T, R>(_ items: [T], workers: Int = ProcessInfo.processInfo.activeProcessorCount, _ body: (T) -> R) -> [R] {
    if items.count < 2 || workers < 2 { return items.map(body) }
    var out = [R?](repeating: nil, count: items.count)
    let chunk = max(1, (items.count + workers * 4 - 1) / (workers * 4))
    let chunks = (items.count + chunk - 1) / chunk
    out.withUnsafeMutableBufferPointer { buf in
        let base = buf
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let a = c * chunk, b = min(items.count, a + chunk)
            for i in a..<b { base[i] = body(items[i]) }
        }
    }
    let done = out.compactMap { $0 }
    precondition(done.count == items.count, "parallelMap: every slot is written by exactly one chunk")
    return done
}

public enum DeidError: Error, CustomStringConvertible, Sendable {
    case invalidInput(expected: String, found: String)
    case io(path: String, reason: String)
    public var description: String {
        switch self {
        case let .invalidInput(expected, found): return "invalid input: expected \(expected), found \(found)"
        case let .io(path, reason): return "\(path): \(reason)"
        }
    }
}

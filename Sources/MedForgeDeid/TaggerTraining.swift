// Training the PHI tagger: an averaged perceptron (Collins 2002) over the same greedy decoder
// that runs at detection time, on documents with gold spans. Deterministic for a given input
// order, seed and epoch count, so the shipped model can be rebuilt and compared byte for byte.

import Foundation

/// A document prepared for the tagger: its tokens, features input and, for training, gold labels.
struct TaggerDocument {
    let scalars: [UInt32]
    let tokens: [Token]
    let input: TaggerInput
    var gold: [Int]

    init(text: String, spans: [(start: Int, end: Int, type: PHIType)] = [], vocabulary: TaggerVocabulary = TaggerVocabulary()) {
        let s = text.scalarValues
        scalars = s
        tokens = Tokenizer.tokenize(s)
        let keys = Tokenizer.keys(s, tokens)
        let cjk = s.contains(where: isCJK) ? ChineseLexicon.simplified(s) : s
        input = TaggerInput(s: s, cjk: cjk, tokens: tokens, keys: keys, vocabulary: vocabulary)
        gold = TaggerDocument.labels(tokens: tokens, spans: spans)
    }

    /// B-/I- labels for the tokens each gold span overlaps (the first span wins a shared token).
    static func labels(tokens t: [Token], spans: [(start: Int, end: Int, type: PHIType)]) -> [Int] {
        var out = [Int](repeating: 0, count: t.count)
        let sorted = spans.sorted { $0.start < $1.start }
        var k = 0
        for span in sorted {
            while k < t.count && Int(t[k].end) <= span.start { k += 1 }
            var j = k, first = true
            let cls = TaggerClass.of(span.type)
            while j < t.count && Int(t[j].start) < span.end {
                if out[j] == 0 { out[j] = cls.label(inside: !first) }
                first = false; j += 1
            }
        }
        return out
    }
}

public enum TaggerTrainer {
    public struct Report: Sendable {
        public var epochs: [(mistakes: Int, tokens: Int)] = []
    }

    /// Trains on gold documents (types as in `PHIType` raw values; unknown types are skipped).
    public static func train(_ documents: [GoldDocument], vocabulary: TaggerVocabulary = TaggerVocabulary(),
                             bits: Int = 18, epochs: Int = 8, seed: UInt64 = 1,
                             progress: ((Int, Int, Int) -> Void)? = nil) -> (TaggerModel, Report) {
        // The tagger does not see the rules' spans: it is an independent second detector, so its
        // misses and the rules' misses differ (their union is what gets reported).
        let docs = documents.map { d in
            TaggerDocument(text: d.text, spans: d.spans.compactMap { g in PHIType(rawValue: g.type).map { (g.start, g.end, $0) } },
                           vocabulary: vocabulary)
        }
        return train(prepared: docs, vocabulary: vocabulary, bits: bits, epochs: epochs, seed: seed, progress: progress)
    }

    static func train(prepared docs: [TaggerDocument], vocabulary: TaggerVocabulary, bits: Int, epochs: Int, seed: UInt64,
                      progress: ((Int, Int, Int) -> Void)?) -> (TaggerModel, Report) {
        let L = TaggerClass.labelCount
        var model = TaggerModel(bits: bits, vocabulary: vocabulary)
        let scorer = TaggerScorer(model: model)
        // Static features never change: hash them once.
        var cached: [[Int32]] = []
        var offsets: [[Int32]] = []
        for d in docs {
            var feats: [Int32] = [], offs: [Int32] = [0]
            feats.reserveCapacity(d.tokens.count * 36)
            for i in 0..<d.input.count { scorer.staticFeatures(d.input, i, into: &feats); offs.append(Int32(feats.count)) }
            cached.append(feats); offsets.append(offs)
        }
        var w = [Float](repeating: 0, count: model.weights.count)
        var acc = [Double](repeating: 0, count: model.weights.count)   // sum of c * update
        var c: Double = 1
        var order = Array(docs.indices)
        var rng = seed
        var report = Report()
        var feats: [Int32] = []
        var scores = [Float](repeating: 0, count: L)
        for epoch in 0..<epochs {
            // Fisher–Yates with a splitmix stream: the same order on every machine.
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                rng = mix64(rng); order.swapAt(i, Int(rng % UInt64(i + 1)))
            }
            var mistakes = 0, tokens = 0
            for di in order {
                let d = docs[di]
                var prev = 0, prev2 = 0
                for i in 0..<d.input.count {
                    feats.removeAll(keepingCapacity: true)
                    feats.append(contentsOf: cached[di][Int(offsets[di][i])..<Int(offsets[di][i + 1])])
                    scorer.dynamicFeatures(d.input, i, previous: prev, previous2: prev2, into: &feats)
                    for l in 0..<L { scores[l] = 0 }
                    w.withUnsafeBufferPointer { wp in
                        for f in feats { let base = Int(f) * TaggerClass.rowStride; for l in 0..<L { scores[l] += wp[base + l] } }
                    }
                    var best = 0
                    for l in 1..<L where TaggerScorer.allowed(l, after: prev) && scores[l] > scores[best] { best = l }
                    let g = d.gold[i]
                    if best != g {
                        mistakes += 1
                        for f in feats {
                            let base = Int(f) * TaggerClass.rowStride
                            w[base + g] += 1; acc[base + g] += c
                            w[base + best] -= 1; acc[base + best] -= c
                        }
                    }
                    tokens += 1
                    c += 1
                    // History follows the prediction, as at detection time.
                    prev2 = prev; prev = best
                }
            }
            report.epochs.append((mistakes, tokens))
            progress?(epoch + 1, mistakes, tokens)
        }
        for k in 0..<w.count { w[k] = Float(Double(w[k]) - acc[k] / c) }
        model.weights = w
        return (model, report)
    }
}

extension TaggerTrainer {
    /// PHI-free text as negative examples: one document per non-empty line, after skipping the
    /// first `skip` characters, until `limit` characters are taken.
    public static func plainDocuments(_ text: String, skip: Int = 0, limit: Int) -> [GoldDocument] {
        var out: [GoldDocument] = []
        var seen = 0, taken = 0
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let n = line.unicodeScalars.count
            seen += n
            guard seen > skip else { continue }
            let t = line.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty else { continue }
            out.append(GoldDocument(text: t, spans: []))
            taken += n
            if taken >= limit { break }
        }
        return out
    }

    /// PHI-free text from a CoNLL file (first column = token, blank line = sentence end,
    /// `-DOCSTART-` lines skipped), re-spaced like running text, `sentences` sentences per document.
    public static func conllDocuments(_ text: String, limit: Int, sentences: Int = 8) -> [GoldDocument] {
        var out: [GoldDocument] = []
        var doc = "", sentence = "", count = 0, taken = 0
        let noSpaceBefore: Set<String> = [".", ",", ";", ":", ")", "]", "%", "'s", "?", "!"]
        let noSpaceAfter: Set<String> = ["(", "["]
        var last = ""
        func endSentence() {
            guard !sentence.isEmpty else { return }
            doc += (doc.isEmpty ? "" : " ") + sentence
            sentence = ""; count += 1; last = ""
            if count >= sentences { out.append(GoldDocument(text: doc, spans: [])); taken += doc.unicodeScalars.count; doc = ""; count = 0 }
        }
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if taken >= limit { break }
            let token = line.split(whereSeparator: { $0 == "\t" || $0 == " " }).first.map(String.init) ?? ""
            if token.isEmpty { endSentence(); continue }
            if token.hasPrefix("-DOCSTART-") { continue }
            if !sentence.isEmpty && !noSpaceBefore.contains(token) && !noSpaceAfter.contains(last) { sentence += " " }
            sentence += token; last = token
        }
        endSentence()
        if !doc.isEmpty && taken < limit { out.append(GoldDocument(text: doc, spans: [])) }
        return out
    }
}

extension TaggerTrainer {
    /// PHI-free clinical phrases from an OBO ontology (HPO): term names, synonyms and definitions,
    /// `group` lines per document. They carry eponyms (`Babinski sign`, `Bell palsy`) and capitalised
    /// clinical words in the company that tells them apart from names.
    public static func oboDocuments(_ text: String, limit: Int, group: Int = 6) -> [GoldDocument] {
        var out: [GoldDocument] = []
        var lines: [String] = [], taken = 0
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if taken >= limit { break }
            var phrase: Substring
            if raw.hasPrefix("name: ") { phrase = raw.dropFirst(6) }
            else if raw.hasPrefix("synonym: \"") || raw.hasPrefix("def: \"") {
                let body = raw.drop(while: { $0 != "\"" }).dropFirst()
                guard let end = body.firstIndex(of: "\"") else { continue }
                phrase = body[..<end]
            } else { continue }
            let p = phrase.trimmingCharacters(in: .whitespaces)
            guard !p.isEmpty else { continue }
            lines.append(p.hasSuffix(".") ? p : p + ".")
            if lines.count == group {
                let doc = lines.joined(separator: " ")
                out.append(GoldDocument(text: doc, spans: [])); taken += doc.unicodeScalars.count; lines.removeAll()
            }
        }
        if !lines.isEmpty && taken < limit { out.append(GoldDocument(text: lines.joined(separator: " "), spans: [])) }
        return out
    }
}

extension TaggerTrainer {
    /// Mention replacement: `copies` variants of each annotated document in which every name and
    /// city is swapped for a random one of the same script, length and letter case (census and
    /// international given names, surnames, gazetteer places; Chinese surnames with given-name
    /// characters seen in the gold names). The tagger then learns the contexts names occur in,
    /// not only the names it was shown. Deterministic for a seed.
    public static func augmented(_ documents: [GoldDocument], copies: Int, seed: UInt64 = 7) -> [GoldDocument] {
        guard copies > 0 else { return [] }
        let pools = AugmentationPools(documents)
        var out: [GoldDocument] = []
        var rng = seed
        for (d, doc) in documents.enumerated() where doc.spans.contains(where: { $0.type == "NAME" || $0.type == "CITY" }) {
            let s = Array(doc.text.unicodeScalars)
            for c in 0..<copies {
                rng = mix64(seed ^ UInt64(d) << 20 ^ UInt64(c))
                var text = String.UnicodeScalarView(), spans: [GoldSpan] = []
                var pos = 0
                for g in doc.spans.sorted(by: { $0.start < $1.start }) where g.start >= pos {
                    text.append(contentsOf: s[pos..<g.start])
                    let original = Array(s[g.start..<g.end])
                    let replacement = pools.replacement(for: original, type: g.type, rng: &rng) ?? original
                    let start = text.count
                    text.append(contentsOf: replacement)
                    spans.append(GoldSpan(start: start, end: text.count, type: g.type))
                    pos = g.end
                }
                text.append(contentsOf: s[pos...])
                out.append(GoldDocument(text: String(text), spans: spans))
            }
        }
        return out
    }
}

/// What mention replacement draws from.
struct AugmentationPools {
    let firstNames: [String], surnames: [String], places: [String]
    let zhSurnames: [Unicode.Scalar], zhGiven: [Unicode.Scalar], zhPlaces: [[Unicode.Scalar]]

    init(_ documents: [GoldDocument]) {
        firstNames = Lexicon.firstNames.union(Lexicon.internationalFirstNames).filter { $0.allSatisfy(\.isLetter) }.sorted()
        surnames = Lexicon.surnameRank.filter { $0.value <= 30_000 && $0.key.allSatisfy(\.isLetter) }.map(\.key).sorted()
        places = Gazetteer.places.filter { $0.count >= 4 && $0.allSatisfy { $0.isLetter || $0 == " " } && $0.split(separator: " ").count <= 2 }.sorted()
        zhSurnames = ChineseLexicon.surnames.sorted().compactMap(Unicode.Scalar.init)
        var given = Set<UInt32>(), zhPlaceSet = Set<[UInt32]>()
        for doc in documents {
            let s = doc.text.scalarValues
            for g in doc.spans where g.end - g.start >= 2 && g.end - g.start <= 3 && g.type == "NAME" {
                let name = Array(s[g.start..<g.end])
                guard name.allSatisfy(isCJK), ChineseLexicon.surnames.contains(name[0]) else { continue }
                for c in name.dropFirst() { given.insert(c) }
            }
            for g in doc.spans where g.type == "CITY" && g.end - g.start >= 2 && g.end - g.start <= 6 {
                let place = Array(s[g.start..<g.end])
                if place.allSatisfy(isCJK) { zhPlaceSet.insert(place) }
            }
        }
        for c in SurrogateGenerator.zhGiven { given.insert(c.value) }
        zhGiven = given.sorted().compactMap(Unicode.Scalar.init)
        zhPlaces = zhPlaceSet.sorted { $0.lexicographicallyPrecedes($1) }.map { $0.compactMap(Unicode.Scalar.init) }
    }

    func pick<T>(_ a: [T], _ rng: inout UInt64) -> T { rng = mix64(rng); return a[Int(rng % UInt64(a.count))] }

    /// Same letter case as `model`: all lower, all upper, or capitalised.
    func cased(_ word: String, like model: [Unicode.Scalar]) -> String {
        let letters = model.filter { $0.properties.isAlphabetic }
        if letters.allSatisfy({ $0.properties.isLowercase }) { return word.lowercased() }
        if letters.count > 1 && letters.allSatisfy({ $0.properties.isUppercase }) { return word.uppercased() }
        return word.prefix(1).uppercased() + word.dropFirst().lowercased()
    }

    func replacement(for original: [Unicode.Scalar], type: String, rng: inout UInt64) -> [Unicode.Scalar]? {
        guard !original.isEmpty else { return nil }
        let cjk = original.allSatisfy { isCJK($0.value) }
        switch type {
        case "NAME" where cjk:
            guard !zhSurnames.isEmpty, !zhGiven.isEmpty else { return nil }
            if original.count == 1 { return [pick(zhSurnames, &rng)] }
            guard original.count <= 3, ChineseLexicon.surnames.contains(original[0].value) else { return nil }
            return [pick(zhSurnames, &rng)] + (1..<original.count).map { _ in pick(zhGiven, &rng) }
        case "NAME":
            let words = String(String.UnicodeScalarView(original)).split(separator: " ")
            guard words.count <= 2, words.allSatisfy({ $0.allSatisfy(\.isLetter) && $0.count >= 2 }) else { return nil }
            let first = words.count == 2 || Lexicon.firstNames.contains(String(words[0]).uppercased())
            var parts = [cased(first ? pick(firstNames, &rng) : pick(surnames, &rng), like: Array(words[0].unicodeScalars))]
            if words.count == 2 { parts.append(cased(pick(surnames, &rng), like: Array(words[1].unicodeScalars))) }
            return Array(parts.joined(separator: " ").unicodeScalars)
        case "CITY" where cjk:
            return zhPlaces.isEmpty ? nil : pick(zhPlaces, &rng)
        case "CITY":
            guard original.allSatisfy({ $0.properties.isAlphabetic || $0 == " " }), !places.isEmpty else { return nil }
            let place = pick(places, &rng).split(separator: " ").map { cased(String($0), like: original) }.joined(separator: " ")
            return Array(place.unicodeScalars)
        default:
            return nil
        }
    }
}

import XCTest
@testable import MedForgeDeid

/// The statistical tagger: training, the model file, decoding constraints and the span filters.
final class TaggerTests: XCTestCase {
    /// Small training set: names after `with` and dates after `on` in varied sentences.
    static func toyDocuments() -> [GoldDocument] {
        let names = ["Amara", "Bogdan", "Chiara", "Dmitri", "Esperanza", "Farouk", "Greta", "Hiroshi", "Ingrid", "Jamal",
                     "Kasia", "Lorenzo", "Mireille", "Nkechi", "Oskar", "Priya", "Quentin", "Rosalind", "Soren", "Tamsin"]
        let verbs = ["Spoke with", "Met with", "Called", "Updated"]
        let tails = ["about the plan.", "re discharge.", "who agrees with the plan.", "at bedside."]
        var docs: [GoldDocument] = []
        for (k, name) in names.enumerated() {
            let lead = verbs[k % verbs.count] + " "
            let date = "\(k % 12 + 1)/\(k % 27 + 1)"
            let text = lead + name + " " + tails[k % tails.count] + " Seen on " + date + ", stable."
            let a = lead.unicodeScalars.count, b = a + name.unicodeScalars.count
            let d = text.unicodeScalars.count - ", stable.".unicodeScalars.count
            docs.append(GoldDocument(text: text, spans: [GoldSpan(start: a, end: b, type: "NAME"),
                                                         GoldSpan(start: d - date.unicodeScalars.count, end: d, type: "DATE")]))
            // Look-alike without PHI: clinical words in the same frames.
            docs.append(GoldDocument(text: lead + "pharmacy " + tails[(k + 1) % tails.count] + " Pain 3/10 on exam.", spans: []))
        }
        return docs
    }

    func testTrainingLearnsTheFramesAndIsDeterministic() throws {
        let (model, report) = TaggerTrainer.train(Self.toyDocuments(), bits: 14, epochs: 6)
        XCTAssertEqual(report.epochs.count, 6)
        XCTAssertLessThan(report.epochs.last!.mistakes, report.epochs.first!.mistakes, "training should reduce mistakes")
        let (again, _) = TaggerTrainer.train(Self.toyDocuments(), bits: 14, epochs: 6)
        XCTAssertEqual(model.serialized(), again.serialized(), "same data and seed must give the same model")

        // Unseen name in a seen frame is tagged; the look-alike frame is not.
        let doc = TaggerDocument(text: "Spoke with Wilhelmina about the plan.")
        let (labels, margins) = TaggerScorer(model: model).decode(doc.input)
        let spans = taggerSpans(labels, margins: margins, tokens: doc.tokens, scalars: doc.scalars, input: doc.input)
        XCTAssertEqual(spans.map { String(decoding: doc.scalars[$0.start..<$0.end].map { UInt8($0) }, as: UTF8.self) }, ["Wilhelmina"])
        XCTAssertEqual(spans.first?.type, .name)
        let none = TaggerDocument(text: "Spoke with pharmacy about the plan.")
        let (l2, m2) = TaggerScorer(model: model).decode(none.input)
        XCTAssertTrue(taggerSpans(l2, margins: m2, tokens: none.tokens, scalars: none.scalars, input: none.input).isEmpty)
    }

    func testModelFileRoundTripAndDamage() throws {
        let (model, _) = TaggerTrainer.train(Self.toyDocuments(), bits: 12, epochs: 3)
        let bytes = model.serialized()
        let back = try TaggerModel(serialized: bytes)
        XCTAssertEqual(back.bits, 12)
        let maxAbs = model.weights.map(abs).max()!
        XCTAssertGreaterThan(maxAbs, 0)
        for (a, b) in zip(model.weights, back.weights) { XCTAssertEqual(a, b, accuracy: maxAbs / 30000) }
        XCTAssertThrowsError(try TaggerModel(serialized: Array(bytes.dropLast(3)))) { error in
            XCTAssertTrue("\(error)".contains("truncated"))
        }
        var bad = bytes; bad[0] = 0x58
        XCTAssertThrowsError(try TaggerModel(serialized: bad)) { XCTAssertTrue("\($0)".contains("not a MedForge tagger")) }
        XCTAssertThrowsError(try TaggerModel(serialized: Array(bytes.prefix(10))))
        // A bucket index past the table is refused, not read out of bounds.
        var wild = bytes
        wild[28] = 0xFF; wild[29] = 0xFF; wild[30] = 0xFF; wild[31] = 0x7F
        XCTAssertThrowsError(try TaggerModel(serialized: wild)) { XCTAssertTrue("\($0)".contains("out of range")) }
    }

    func testDecodingNeverStartsWithAnInsideLabel() {
        // I- labels may only continue their own class.
        XCTAssertFalse(TaggerScorer.allowed(TaggerClass.name.label(inside: true), after: 0))
        XCTAssertFalse(TaggerScorer.allowed(TaggerClass.name.label(inside: true), after: TaggerClass.date.label(inside: false)))
        XCTAssertTrue(TaggerScorer.allowed(TaggerClass.name.label(inside: true), after: TaggerClass.name.label(inside: false)))
        XCTAssertTrue(TaggerScorer.allowed(TaggerClass.date.label(inside: false), after: TaggerClass.name.label(inside: true)))
    }

    /// Spans of one class over the whole text, through the filter, all tokens at margin `margin`.
    func filtered(_ text: String, _ cls: TaggerClass, margin: Float = 1, from first: Int = 0, tokens only: Int = .max) -> [String] {
        let vocabulary = TaggerVocabulary.build(texts: ["a first aid kit for the group in cardiology", "谢谢医生"], minimumCount: 1)
        let doc = TaggerDocument(text: text, vocabulary: vocabulary)
        var labels = [Int](repeating: 0, count: doc.tokens.count)
        for i in labels.indices where i >= first && i - first < only { labels[i] = cls.label(inside: i > first) }
        let margins = [Float](repeating: margin, count: labels.count)
        return taggerSpans(labels, margins: margins, tokens: doc.tokens, scalars: doc.scalars, input: doc.input, weakMargin: 5).map { span in
            var s = ""; s.unicodeScalars.append(contentsOf: doc.scalars[span.start..<span.end].compactMap(Unicode.Scalar.init)); return s
        }
    }

    func testSpanFilterRejectsImpossibleSpans() {
        XCTAssertEqual(filtered("(1234567)", .number), ["1234567"], "punctuation trimmed")
        XCTAssertEqual(filtered("0.004", .number), [])
        XCTAssertEqual(filtered("1975-2001", .number), [])
        XCTAssertEqual(filtered("miR-429", .number), [])
        XCTAssertEqual(filtered("粤B5K3R9", .number), ["粤B5K3R9"])
        XCTAssertEqual(filtered("69-90", .date), [])
        XCTAssertEqual(filtered("3/14", .date), [], "a bare month/day is left to the rules")
        XCTAssertEqual(filtered("3/14/2023", .date), ["3/14/2023"])
        XCTAssertEqual(filtered("March", .date), [], "a month alone needs a confident tagger")
        XCTAssertEqual(filtered("March 3", .date), ["March 3"])
        XCTAssertEqual(filtered("0700-1930", .number), [], "shift times")
        XCTAssertEqual(filtered("91", .date), [], "a bare number is the rules' to call an age")
        XCTAssertEqual(filtered("42", .date), [])
        XCTAssertEqual(filtered("92岁", .date), ["92岁"])
        XCTAssertEqual(filtered("ninety-three", .date), ["ninety-three"])
        XCTAssertEqual(filtered("on the 9th", .date, from: 2), ["9th"])
        XCTAssertEqual(filtered("the 3rd floor", .date, from: 1), [], "the span would take `floor`")
        XCTAssertEqual(filtered("3rd", .date), [], "an ordinal without `the`/`on`/a month")
        XCTAssertEqual(filtered("45th", .date), [])
        XCTAssertEqual(taggerType(.date, Array("91岁".unicodeScalars.map(\.value)), 0, 3), .age)
        XCTAssertEqual(taggerType(.date, Array("3/14/2023".unicodeScalars.map(\.value)), 0, 9), .date)
        XCTAssertEqual(filtered("4471-2093 per", .number), ["4471-2093"], "trailing words trimmed")
        XCTAssertEqual(filtered("5月4日", .date), ["5月4日"])
        XCTAssertEqual(filtered("正月初八", .date), ["正月初八"])
        XCTAssertEqual(filtered("三个月", .date), [])
        XCTAssertEqual(filtered("Omega", .date), [])
        XCTAssertEqual(filtered("tablet", .name, margin: 100), [], "a lower-case word no name list knows")
        XCTAssertEqual(filtered("group", .name, margin: 100), [], "a lower-case name that ordinary text uses")
        XCTAssertEqual(filtered("gutierrez", .name), [], "one lower-case word alone is weak evidence")
        XCTAssertEqual(filtered("gutierrez", .name, margin: 100), ["gutierrez"])
        XCTAssertEqual(filtered("per gutierrez", .name, from: 1), ["gutierrez"], "after `per` it is a clinician")
        XCTAssertEqual(filtered("son gutierrez", .name, from: 1), ["gutierrez"], "after a relation")
        XCTAssertEqual(filtered("90-105", .number), [], "a range of vital signs")
        XCTAssertEqual(filtered("100-120/60s", .number), [])
        XCTAssertEqual(filtered("2011-04-0388", .number), ["2011-04-0388"])
        XCTAssertEqual(filtered("2月后", .date), [], "a month count")
        XCTAssertEqual(filtered("6月龄", .date), [], "an age in months")
        XCTAssertEqual(filtered("group", .place, margin: 100), [], "lower-case ordinary words are never places")
        XCTAssertEqual(filtered("COPD", .name), [], "acronyms unknown to the name lists")
        XCTAssertEqual(filtered("-", .name, margin: 100), [], "punctuation alone is never a span")
        XCTAssertEqual(filtered("Okafor", .name), ["Okafor"])
        XCTAssertEqual(filtered("张建国", .name), ["张建国"])
        XCTAssertEqual(filtered("谢谢", .name), [])
        XCTAssertEqual(filtered("签名：许", .name, from: 3), ["许"], "a lone surname after a colon")
        XCTAssertEqual(filtered("许", .name), [], "a lone surname without a cue is weak evidence")
        XCTAssertEqual(filtered("的", .name, margin: 100), [], "not a surname")
        XCTAssertEqual(filtered("谢谢", .name, margin: 6), ["谢谢"], "an everyday word needs a confident tagger")
        XCTAssertEqual(filtered("格桑", .name), ["格桑"], "Tibetan names have no surname")
        XCTAssertEqual(filtered("阿依古丽·买买提", .name), ["阿依古丽·买买提"])
        XCTAssertEqual(filtered("晶晶", .name), [], "no surname: weak evidence")
        XCTAssertEqual(filtered("Group", .organisation), [])

        XCTAssertEqual(filtered("元在大脑中的部", .organisation), [])
        XCTAssertEqual(filtered("Lahey", .organisation), ["Lahey"])
        XCTAssertEqual(filtered("Cardiology", .organisation, margin: 100), [], "one word ordinary text uses")
        XCTAssertEqual(filtered("Cardiology Group", .organisation), [], "words ordinary text uses are weak evidence")
        XCTAssertEqual(filtered("Cardiology Group", .organisation, margin: 6), ["Cardiology Group"])
        XCTAssertEqual(filtered("DILI", .place, margin: 1000), [], "a short all-capitals word")
        XCTAssertEqual(filtered("Tyr-638", .name, margin: 1000, tokens: 1), [], "a residue")
        XCTAssertEqual(filtered("Kras(G12D)", .name, margin: 1000, tokens: 1), [], "a gene with its mutation")
        XCTAssertEqual(filtered("cAMP", .organisation, margin: 1000), [], "camel case from a lower-case start")
        XCTAssertEqual(filtered("Adebayo-Clarke", .name), ["Adebayo-Clarke"], "a double-barrelled name")
        XCTAssertEqual(filtered("Okafor (son)", .name, tokens: 1), ["Okafor"], "a bracket after a space")
        XCTAssertEqual(filtered("NASH", .name), [], "a short all-capitals name is weak evidence")
        XCTAssertEqual(filtered("NASH", .name, margin: 6), ["NASH"])
        XCTAssertEqual(filtered("Lahey Clinic", .organisation), ["Lahey Clinic"])
        XCTAssertEqual(filtered("0700", .organisation, margin: 100), [])
        XCTAssertEqual(filtered("02139", .place), ["02139"])
        XCTAssertEqual(filtered("Texas", .place, margin: 100), [], "states are not PHI")
    }

    func testNegativeLoaders() {
        let conll = "-DOCSTART- (1)\n\nBRCA1\tNN\tO\tO\nis\tNN\tO\tO\nsecreted\tNN\nin\tNN\n(\tNN\nhumans\tNN\n)\tNN\n.\tNN\n\nNext\nsentence\n.\n"
        let docs = TaggerTrainer.conllDocuments(conll, limit: 1000, sentences: 2)
        XCTAssertEqual(docs.map(\.text), ["BRCA1 is secreted in (humans). Next sentence."])
        XCTAssertTrue(docs.allSatisfy { $0.spans.isEmpty })
        let plain = TaggerTrainer.plainDocuments("aaaa\nbbbb\n\ncccc\ndddd\n", skip: 5, limit: 8)
        XCTAssertEqual(plain.map(\.text), ["bbbb", "cccc"])
    }

    func testGoldLabelsFollowTokens() {
        let doc = TaggerDocument(text: "Dr. Ama Owusu saw him.", spans: [(4, 13, .name)])
        // Tokens: Dr . Ama Owusu saw him .
        XCTAssertEqual(doc.gold, [0, 0, TaggerClass.name.label(inside: false), TaggerClass.name.label(inside: true), 0, 0, 0])
    }

    /// The shipped model loads and finds names the rules have no cue for (sentences written for
    /// this test, not taken from the training files).
    func testShippedModelAddsWhatTheRulesMiss() throws {
        let model = try XCTUnwrap(TaggerModel.shipped, "Model/phi-tagger.bin must ship with the module")
        XCTAssertGreaterThan(model.vocabulary.count, 10_000)
        let rules = Deidentifier(options: DeidOptions(tagger: false), key: Array("k".utf8))
        let both = Deidentifier(options: DeidOptions(), key: Array("k".utf8))
        for (text, name) in [("Discussed the plan with Oluwaseun and her aunt this afternoon.", "Oluwaseun"),
                             ("今日随甘志远查房，同意目前治疗。", "甘志远")] {
            let s = Array(text.unicodeScalars)
            func covered(_ d: Deidentifier) -> Bool {
                let a = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: text.range(of: name)!.lowerBound.samePosition(in: text.unicodeScalars)!)
                return d.detect(text).spans.contains { $0.start <= a && $0.end > a && $0.type == .name }
            }
            XCTAssertFalse(covered(rules), "the rules alone should miss \(name) (else this test shows nothing)")
            XCTAssertTrue(covered(both), "tagger should find \(name)")
            XCTAssertEqual(s.count, text.unicodeScalars.count)
        }
        // And stays off clinical shorthand.
        for text in ["Pain 7/10, 2/6 SEM, strength 4/5 RUE.", "Murphy's sign negative; Babinski downgoing.", "高血压病史10年，帕金森病3年。"] {
            XCTAssertTrue(both.detect(text).spans.isEmpty, "\(both.detect(text).spans)")
        }
    }
}

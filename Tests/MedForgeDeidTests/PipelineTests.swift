import Foundation
import Testing
@testable import MedForgeDeid

struct PipelineTests {
    func fixture(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return url.path
    }

    func run(_ path: String, maxLine: Int = 1 << 20) throws -> (out: [String], audit: [String], rejects: [String], stats: DeidRunStats) {
        var pipeline = DeidPipeline(deid: Deidentifier(options: DeidOptions(), key: Array("k".utf8)))
        pipeline.maxLineBytes = maxLine
        var out: [String] = [], audit: [String] = [], rejects: [String] = []
        let h = try #require(FileHandle(forReadingAtPath: path))
        let stats = try pipeline.runJSONL(input: h, source: "fixture", output: { out.append($0) }, audit: { audit.append($0) }, reject: { rejects.append($0) })
        return (out, audit, rejects, stats)
    }

    // Guards "nothing lost": every input line lands in the output or the reject file with its reason; GB18030 is decoded.
    @Test func everyLineIsOutputOrRejectedWithReason() throws {
        let r = try run(try fixture("mixed.jsonl"))
        #expect(r.out.count + r.rejects.count == 9)
        #expect(r.out.count == 3)
        let reasons = Set(r.rejects.compactMap { line -> String? in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["reason"] as? String })
        #expect(reasons == ["invalid-encoding", "binary", "empty", "invalid-json", "missing-text"])
        let gbk = try #require(r.out.first { $0.contains("\"gbk\"") })
        #expect(gbk.contains("[NAME]") && gbk.contains("[DATE]") && !gbk.contains("李娜"))
    }

    // Guards the output contract: id, text and spans with scalar offsets into the original.
    @Test func outputLinesFollowTheContract() throws {
        let r = try run(try fixture("mixed.jsonl"))
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.out[0].utf8)) as? [String: Any])
        #expect(obj["id"] as? String == "en-1")
        let spans = try #require(obj["spans"] as? [[String: Any]])
        let original = Array("Patient: John Smith, seen by Dr. Kowalski on 03/14/2021. Phone (617) 555-0123.".unicodeScalars)
        let texts = spans.compactMap { s -> String? in
            guard let a = s["start"] as? Int, let b = s["end"] as? Int else { return nil }
            return String(String.UnicodeScalarView(original[a..<b]))
        }
        #expect(texts == ["John Smith", "Kowalski", "03/14/2021", "(617) 555-0123"])
    }

    // Guards huge lines: a line over the cap is rejected, and the lines after it are still processed.
    @Test func hugeLineIsRejectedAndStreamContinues() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("huge-\(UUID().uuidString).jsonl").path
        let huge = "{\"id\": 1, \"text\": \"" + String(repeating: "x", count: 5000) + "\"}\n{\"id\": 2, \"text\": \"Dr. Kowalski\"}\n"
        FileManager.default.createFile(atPath: path, contents: Data(huge.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try run(path, maxLine: 1000)
        #expect(r.rejects.count == 1 && r.rejects[0].contains("line-too-long"))
        #expect(r.out.count == 1 && r.out[0].contains("[NAME]"))
    }

    // Guards resume: a run stopped after one batch plus a run skipping the lines it finished equals one full run.
    @Test func resumedRunMatchesUninterruptedRun() throws {
        let path = try fixture("mixed.jsonl")
        func run(skip: Int, maxBatches: Int?) throws -> (out: [String], rejects: [String], last: Int) {
            var p = DeidPipeline(deid: Deidentifier(options: DeidOptions(), key: Array("k".utf8)))
            p.batchSize = 4; p.skipLines = skip; p.maxBatches = maxBatches
            var out: [String] = [], rejects: [String] = [], last = 0
            p.batchDone = { last = $0 }
            let h = try #require(FileHandle(forReadingAtPath: path))
            _ = try p.runJSONL(input: h, source: "f", output: { out.append($0) }, audit: nil, reject: { rejects.append($0) })
            return (out, rejects, last)
        }
        let full = try run(skip: 0, maxBatches: nil)
        let first = try run(skip: 0, maxBatches: 1)
        let rest = try run(skip: first.last, maxBatches: nil)
        #expect(first.last == 4)
        #expect(first.out + rest.out == full.out && first.rejects + rest.rejects == full.rejects)
    }

    // Guards privacy by construction: audit lines, reject lines, stats and errors carry no clinical text.
    @Test func auditRejectsAndStatsCarryNoClinicalText() throws {
        let r = try run(try fixture("mixed.jsonl"))
        let phi = ["John", "Smith", "Kowalski", "03/14/2021", "555-0123", "张伟", "110105198001011238", "13812345678", "李娜", "2023年5月4日", "abc", "def"]
        let logs = r.audit + r.rejects + [r.stats.summary, DeidError.invalidInput(expected: "x", found: "y").description]
        for line in logs { for p in phi { #expect(!line.contains(p), "leak of a PHI value into \(line.prefix(40))") } }
        #expect(r.audit.allSatisfy { $0.contains("\"hmac\"") })
    }

    // Guards the evaluator: recall/precision on a tiny presidio-format file, overlap vs full coverage.
    @Test func evaluatorScoresPresidioFormat() throws {
        let data = try #require(FileManager.default.contents(atPath: try fixture("presidio_mini.json")))
        let docs = try Evaluator.loadPresidio(data)
        let report = Evaluator.evaluate(docs, deid: Deidentifier(options: DeidOptions(), key: []))
        #expect(report.documents == 2)
        #expect(report.recall["EMAIL_ADDRESS"]?.full == 1 && report.recall["PHONE_NUMBER"]?.full == 1)
        #expect(report.recall["PERSON"]?.overlap == 1)
        #expect(report.overallPrecision == 1)
    }

    // Guards the hand-annotated gold format: offsets are scalars into the text without markup; bad markup is an error.
    @Test func markupGoldIsParsedToScalarOffsets() throws {
        let docs = try Evaluator.loadMarkup("Seen by Dr. {{NAME|Zoë Ng}} on {{DATE|3/4}}.\r\n=====\n\n患者{{NAME|欧阳娜}}，{{AGE|92}}岁\n=====\n")
        try #require(docs.count == 2)
        #expect(docs[0].text == "Seen by Dr. Zoë Ng on 3/4.")
        #expect(docs[0].spans == [GoldSpan(start: 12, end: 18, type: "NAME"), GoldSpan(start: 22, end: 25, type: "DATE")])
        #expect(docs[1].text == "患者欧阳娜，92岁")
        #expect(docs[1].spans == [GoldSpan(start: 2, end: 5, type: "NAME"), GoldSpan(start: 6, end: 8, type: "AGE")])
        for bad in ["x {{NAME|a b", "x {{|a}} y", "x {{NAME|}} y", "a }} b", "{{NAME|a {{DATE|b}} c}}"] {
            #expect(throws: DeidError.self) { try Evaluator.loadMarkup(bad) }
        }
    }
}

import Foundation
import Testing
@testable import MedForgeLLM

/// Runs the built `medforge` binary (it sits next to the test bundle) the way outside checks do.
func runMedforge(_ args: [String], stdin: Data = Data()) throws -> (status: Int32, out: Data, err: String) {
    var dir = Bundle.module.bundleURL.deletingLastPathComponent()
    var bin = dir.appendingPathComponent("medforge")
    while !FileManager.default.isExecutableFile(atPath: bin.path) && dir.pathComponents.count > 2 {
        dir = dir.deletingLastPathComponent()
        bin = dir.appendingPathComponent("medforge")
    }
    let p = Process()
    p.executableURL = bin
    p.arguments = args
    let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
    p.standardInput = inPipe; p.standardOutput = outPipe; p.standardError = errPipe
    try p.run()
    inPipe.fileHandleForWriting.write(stdin)
    try inPipe.fileHandleForWriting.close()
    let out = outPipe.fileHandleForReading.readDataToEndOfFile()
    let err = errPipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, out, String(decoding: err, as: UTF8.self))
}

struct CLIContractTests {
    struct LogitsOutput: Decodable { let tokens: [Int]; let logits: [Float] }

    // Guards the `logits` contract: one JSON object, --token-ids fed exactly as given, equal to the library's logits.
    @Test func logitsPrintsOneJSONObjectForTheGivenIds() throws {
        let model = try fixtureURL("gguf/qwen2-mini.F32.gguf").path
        let r = try runMedforge(["logits", "--model", model, "--token-ids", "5,6,7", "--threads", "1"])
        #expect(r.status == 0, "\(r.err)")
        let o = try JSONDecoder().decode(LogitsOutput.self, from: r.out)
        #expect(o.tokens == [5, 6, 7])
        let lm = try ModelRegistry.load(ModelRegistry.openSource(path: model), threads: 1)
        var ref = [Float](repeating: 0, count: lm.vocabularySize)
        try ref.withUnsafeMutableBufferPointer { try lm.forward([5, 6, 7], cache: lm.makeCache(capacity: 8), logits: $0.baseAddress!) }
        #expect(o.logits.count == ref.count)
        #expect(zip(o.logits, ref).map { abs($0 - $1) }.max()! < 1e-5)
    }

    // Guards `generate` on the built-in default: greedy output is the start of llama2.c's published sample.
    @Test func generateWithoutModelRunsTheBuiltInDefault() throws {
        let r = try runMedforge(["generate", "--max-tokens", "20", "--temperature", "0"])
        #expect(r.status == 0, "\(r.err)")
        #expect(String(decoding: r.out, as: UTF8.self).hasPrefix("Once upon a time, there was a little girl named Lily."))
    }

    // Guards `tokenize`: stdin text to a JSON id list without BOS, and --decode back to the text.
    @Test func tokenizeRoundTripsThroughTheCLI() throws {
        let tok = try #require(DefaultModel.tokenizerPath)
        let r = try runMedforge(["tokenize", "--tokenizer", tok], stdin: Data("Lily saw a ball".utf8))
        #expect(r.status == 0, "\(r.err)")
        let ids = try JSONDecoder().decode([Int].self, from: r.out)
        #expect(!ids.isEmpty && ids.first != 1)
        let back = try runMedforge(["tokenize", "--tokenizer", tok, "--decode"], stdin: r.out)
        #expect(String(decoding: back.out, as: UTF8.self).trimmingCharacters(in: .whitespaces) == "Lily saw a ball")
    }

    // Guards bad input at the CLI: a truncated model file gives a non-zero exit and a message naming the file.
    @Test func truncatedModelFailsWithAMessageNamingTheFile() throws {
        let good = try Data(contentsOf: fixtureURL("gguf/llama-mini.F32.gguf"))
        let path = NSTemporaryDirectory() + "medforge-trunc-\(UUID().uuidString).gguf"
        FileManager.default.createFile(atPath: path, contents: good.prefix(good.count / 2))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try runMedforge(["logits", "--model", path, "--token-ids", "1"])
        #expect(r.status != 0)
        #expect(r.err.contains(path) && r.err.contains("past the end"), "\(r.err)")
    }

    // Guards `--adapter`: logits with a LoRA adapter equal those of the merged GGUF, and differ from the base.
    @Test func adapterOptionEqualsTheMergedModel() throws {
        let model = try fixtureURL("gguf/llama-mini.F32.gguf").path
        let dir = NSTemporaryDirectory() + "medforge-adapter-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = (0..<8).map { "{\"text\": \"the patient has a fever \($0)\"}" }.joined(separator: "\n")
        FileManager.default.createFile(atPath: dir + "/train.jsonl", contents: Data(lines.utf8))
        let ft = try runMedforge(["finetune", "--model", model, "--data", dir + "/train.jsonl", "--steps", "3",
                                  "--lora-rank", "4", "--out", dir + "/run"])
        #expect(ft.status == 0, "\(ft.err)")
        let merge = try runMedforge(["merge", "--model", model, "--adapter", dir + "/run", "--out", dir + "/merged.gguf"])
        #expect(merge.status == 0, "\(merge.err)")
        func logits(_ args: [String]) throws -> [Float] {
            let r = try runMedforge(["logits", "--token-ids", "1,2,3", "--threads", "1"] + args)
            #expect(r.status == 0, "\(r.err)")
            return try JSONDecoder().decode(LogitsOutput.self, from: r.out).logits
        }
        let withAdapter = try logits(["--model", model, "--adapter", dir + "/run"])
        let merged = try logits(["--model", dir + "/merged.gguf"])
        let base = try logits(["--model", model])
        #expect(zip(withAdapter, merged).map { abs($0 - $1) }.max()! < 1e-5)
        #expect(zip(withAdapter, base).map { abs($0 - $1) }.max()! > 1e-3)
    }

    // Guards the `--precision` contract: int8 is accepted on a quantised base (the run says which precision ran and
    // logs finite losses), and an unknown value is refused with a message listing the choices.
    @Test func finetunePrecisionInt8RunsAndUnknownValuesAreRefused() throws {
        let model = try fixtureURL("gguf/qwen2-q.Q8_0.gguf").path
        let dir = NSTemporaryDirectory() + "medforge-int8-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = (0..<8).map { "{\"text\": \"the patient has a fever \($0)\"}" }.joined(separator: "\n")
        FileManager.default.createFile(atPath: dir + "/train.jsonl", contents: Data(lines.utf8))
        let ft = try runMedforge(["finetune", "--model", model, "--data", dir + "/train.jsonl", "--steps", "2",
                                  "--lora-rank", "4", "--precision", "int8", "--out", dir + "/run"])
        #expect(ft.status == 0, "\(ft.err)")
        let out = String(decoding: ft.out, as: UTF8.self)
        #expect(out.contains("\"precision\":\"int8\""), "\(out)")
        let losses = out.split(separator: "\n").compactMap { line -> Double? in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return obj["loss"] as? Double
        }
        #expect(losses.count == 2 && losses.allSatisfy(\.isFinite), "\(out)")
        let bad = try runMedforge(["finetune", "--model", model, "--data", dir + "/train.jsonl", "--steps", "1",
                                   "--precision", "fp16", "--out", dir + "/run2"])
        #expect(bad.status != 0)
        #expect(bad.err.contains("int8"), "\(bad.err)")
    }
}

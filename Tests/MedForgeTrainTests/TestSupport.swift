import Foundation
import MedForgeLLM
@testable import MedForgeTrain

enum Fixture {
    /// Path of a file in Tests/MedForgeTrainTests/Fixtures.
    static func path(_ name: String) throws -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            throw TrainError.io(file: name, problem: "fixture missing")
        }
        return url.path
    }

    static func model(_ name: String, lora: LoRAOptions = LoRAOptions(rank: 4, alpha: 8), seed: UInt64 = 1,
                      threads: Int = 1) throws -> TrainableModel {
        try openTrainableModel(path: path(name), lora: lora, seed: seed, threads: threads)
    }

    static func tempDir() -> String {
        let d = NSTemporaryDirectory() + "medforge-train-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}

/// Deterministic pseudo-random token ids.
func sampleTokens(_ n: Int, vocab: Int, seed: UInt64) -> [Int] {
    var r = TrainRNG(seed: seed)
    return (0..<n).map { _ in Int(r.next() % UInt64(vocab)) }
}

/// Gives every LoRA B a small non-zero value so gradients reach A (B starts at zero).
func perturbAdapters(_ m: TrainableModel, seed: UInt64, scale: Float = 0.05) {
    var r = TrainRNG(seed: seed)
    for a in m.adapters { for i in 0..<a.adapter.b.value.count { a.adapter.b.value.p[i] = (r.nextFloat() * 2 - 1) * scale } }
}

import MedForgeTokenizers

/// Byte-level test tokenizer: id = byte + 3, BOS 1, EOS 2 (fits the tiny models' vocabularies).
struct ByteTokenizer: Tokenizer {
    var vocabularySize: Int { 259 }
    var bosTokenID: Int? { 1 }
    var eosTokenIDs: Set<Int> { [2] }
    var addsBOS: Bool { true }
    func encode(_ text: String, addSpecial: Bool) -> [Int] { (addSpecial ? [1] : []) + text.utf8.map { Int($0) + 3 } }
    func decodeBytes(_ ids: [Int]) -> [UInt8] { ids.filter { $0 >= 3 }.map { UInt8($0 - 3) } }
}

func jsonl(_ lines: [String]) -> Data { Data(lines.joined(separator: "\n").utf8) }

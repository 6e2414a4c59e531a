// Exact and near-duplicate removal: SHA-256 of normalised text, then MinHash signatures over word
// 5-shingles with LSH banding to find candidates, confirmed by estimated Jaccard similarity.

import Foundation
import MedForgeDeid

public struct Deduplicator: Sendable {
    public let threshold: Double
    let numHashes = 64
    let bands = 16          // 16 bands x 4 rows: candidates from Jaccard ~0.5 upward
    var exact: Set<[UInt8]> = []
    var buckets: [Int: [[UInt32]]] = [:]   // band hash -> signatures seen (32-bit minima: 256 bytes per text)
    public private(set) var exactDuplicates = 0
    public private(set) var nearDuplicates = 0

    public init(threshold: Double = 0.8) { self.threshold = threshold }

    static func normalise(_ text: String) -> [Substring] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }
    }

    /// MinHash signature of the word 5-shingles (character 5-grams for text without spaces, e.g. Chinese).
    func signature(_ text: String) -> [UInt32] {
        let words = Deduplicator.normalise(text)
        var shingles: [UInt64] = []
        if words.count >= 5 {
            for i in 0...(words.count - 5) { shingles.append(fnv(words[i..<(i + 5)].joined(separator: " "))) }
        } else {
            let chars = Array(text.unicodeScalars.filter { !$0.properties.isWhitespace })
            if chars.count >= 5 { for i in 0...(chars.count - 5) { shingles.append(fnv(String(String.UnicodeScalarView(chars[i..<(i + 5)])))) } }
            else { shingles.append(fnv(text)) }
        }
        return (0..<numHashes).map { k in
            let seed = UInt64(k) &* 0x9E37_79B9_7F4A_7C15 | 1
            return UInt32(truncatingIfNeeded: shingles.reduce(UInt64.max) { min($0, mix($1 ^ seed)) } >> 32)
        }
    }

    func fnv(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
    func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Forgets the duplicate counters (not the remembered texts), e.g. after re-reading outputs on resume.
    public mutating func resetCounts() { exactDuplicates = 0; nearDuplicates = 0 }

    /// True if `text` is new (and remembers it); false for an exact or near duplicate of an earlier text.
    public mutating func admit(_ text: String) -> Bool {
        let key = SHA256.hash(Array(Deduplicator.normalise(text).joined(separator: " ").utf8))
        if exact.contains(key) { exactDuplicates += 1; return false }
        let sig = signature(text)
        let rows = numHashes / bands
        var bandKeys: [Int] = []
        for b in 0..<bands {
            var h = Hasher()
            h.combine(b)
            for r in 0..<rows { h.combine(sig[b * rows + r]) }
            let k = h.finalize()
            bandKeys.append(k)
            for other in buckets[k] ?? [] {
                let same = zip(sig, other).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
                if Double(same) / Double(numHashes) >= threshold { nearDuplicates += 1; return false }
            }
        }
        exact.insert(key)
        for k in bandKeys { buckets[k, default: []].append(sig) }
        return true
    }
}

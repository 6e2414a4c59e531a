// Exact and near-duplicate removal: SHA-256 of normalised text, then MinHash signatures over word
// 5-shingles with LSH banding to find candidates, confirmed by estimated Jaccard similarity.

import Foundation
import MedForgeDeid

public struct Deduplicator {
    public let threshold: Double
    let numHashes = 64
    let bands = 16          // 16 bands x 4 rows: candidates from Jaccard ~0.5 upward
    /// Exact keys and band buckets (32-bit minima: 256 bytes per signature); in memory or on disk.
    let index: DedupIndex
    public private(set) var exactDuplicates = 0
    public private(set) var nearDuplicates = 0

    public init(threshold: Double = 0.8, index: DedupIndex = MemoryDedupIndex()) { self.threshold = threshold; self.index = index }

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

    /// What `admit` needs of a text: its exact key, MinHash signature and LSH band keys. Pure, so a batch's
    /// fingerprints can be computed on all cores before the texts are admitted one by one in order.
    public struct Fingerprint: Sendable {
        let key: (UInt64, UInt64)
        let signature: [UInt32]
        let bands: [UInt64]
    }

    public func fingerprint(_ text: String) -> Fingerprint {
        let h = SHA256.hash(Array(Deduplicator.normalise(text).joined(separator: " ").utf8))
        let key = (h[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }, h[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let sig = signature(text)
        let rows = numHashes / bands
        let bandKeys = (0..<bands).map { b in
            // Deterministic across runs (unlike `Hasher`), so an on-disk index means the same thing after a restart.
            var k = mix(UInt64(b) &+ 0x5851_F42D_4C95_7F2D)
            for r in 0..<rows { k = mix(k ^ UInt64(sig[b * rows + r])) }
            return k
        }
        return Fingerprint(key: key, signature: sig, bands: bandKeys)
    }

    /// True if `text` is new (and remembers it); false for an exact or near duplicate of an earlier text.
    public mutating func admit(_ text: String) throws -> Bool { try admit(fingerprint(text)) }

    /// `admit` for a precomputed fingerprint.
    public mutating func admit(_ fp: Fingerprint) throws -> Bool {
        if try index.containsExact(fp.key) { exactDuplicates += 1; return false }
        for k in fp.bands {
            var near = false
            try index.forEachSignature(inBand: k) { other in
                let same = zip(fp.signature, other).reduce(0) { $0 + ($1.0 == $1.1 ? 1 : 0) }
                near = Double(same) / Double(numHashes) >= threshold
                return !near
            }
            if near { nearDuplicates += 1; return false }
        }
        try index.insertExact(fp.key)
        try index.insert(signature: fp.signature, bands: fp.bands)
        return true
    }
}

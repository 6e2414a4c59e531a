// Where the deduplicator remembers what it has admitted: exact keys (a prefix of SHA-256) and MinHash
// band keys pointing at stored signatures. `MemoryDedupIndex` keeps them in dictionaries (tests, small
// jobs); `DiskDedupIndex` keeps them in open-addressing hash tables and a signature file in a
// directory, read and written with pread/pwrite, so the process's memory stays constant however many
// documents a build admits (the kernel's page cache, not the heap, holds the hot pages).

import Foundation

public protocol DedupIndex {
    /// Whether an exact key (16 bytes of the normalised text's SHA-256) was inserted before.
    func containsExact(_ key: (UInt64, UInt64)) throws -> Bool
    func insertExact(_ key: (UInt64, UInt64)) throws
    /// Calls `body` with each signature stored under `band` until it returns false.
    func forEachSignature(inBand band: UInt64, _ body: ([UInt32]) -> Bool) throws
    func insert(signature: [UInt32], bands: [UInt64]) throws
}

/// The in-memory double: grows with the number of admitted documents.
public final class MemoryDedupIndex: DedupIndex {
    var exact: Set<[UInt64]> = []
    var buckets: [UInt64: [[UInt32]]] = [:]
    public init() {}
    public func containsExact(_ key: (UInt64, UInt64)) -> Bool { exact.contains([key.0, key.1]) }
    public func insertExact(_ key: (UInt64, UInt64)) { exact.insert([key.0, key.1]) }
    public func forEachSignature(inBand band: UInt64, _ body: ([UInt32]) -> Bool) {
        for s in buckets[band] ?? [] where !body(s) { return }
    }
    public func insert(signature: [UInt32], bands: [UInt64]) { for b in bands { buckets[b, default: []].append(signature) } }
}

/// Open-addressing hash table of 16-byte slots (key, value) in a file; key 0 marks an empty slot.
/// Linear probing; the table doubles (rehashing into a new file) when half full. Several slots may
/// share a key (band buckets). The file starts sparse, so unused capacity costs no disk.
final class DiskHashTable {
    let path: String
    private(set) var fd: Int32
    private(set) var capacity: Int      // slots, a power of two
    private(set) var used = 0
    static let slotBytes = 16

    init(path: String, capacity: Int) throws {
        precondition(capacity > 0 && capacity & (capacity - 1) == 0, "capacity is a power of two")
        self.path = path; self.capacity = capacity
        fd = try DiskHashTable.create(path, slots: capacity)
    }
    deinit { close(fd) }

    static func create(_ path: String, slots: Int) throws -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CorpusError.unreadable(path: path, reason: "cannot create dedup index") }
        guard ftruncate(fd, off_t(slots * slotBytes)) == 0 else { close(fd); throw CorpusError.unreadable(path: path, reason: "cannot size dedup index") }
        return fd
    }

    /// Never 0: 0 marks an empty slot.
    @inline(__always) static func stored(_ key: UInt64) -> UInt64 { key == 0 ? 1 : key }

    /// Reads up to `n` slots from `slot` (not wrapping) into `buf` (2 words per slot); returns how many.
    private func read(_ slot: Int, _ n: Int, into buf: inout [UInt64]) throws -> Int {
        let want = min(n, capacity - slot)
        let got = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want * DiskHashTable.slotBytes, off_t(slot * DiskHashTable.slotBytes)) }
        guard got == want * DiskHashTable.slotBytes else { throw CorpusError.unreadable(path: path, reason: "short read of dedup index") }
        return want
    }

    /// Calls `body` with the value of every slot holding `key`, until it returns false or an empty slot ends the run.
    func forEach(key: UInt64, _ body: (UInt64) -> Bool) throws {
        let k = DiskHashTable.stored(key)
        var slot = Int(truncatingIfNeeded: k & UInt64(capacity - 1))
        var buf = [UInt64](repeating: 0, count: 16)   // 8 slots per read
        var probed = 0
        while probed < capacity {
            let n = try read(slot, 8, into: &buf)
            for s in 0..<n {
                if buf[2 * s] == 0 { return }
                if buf[2 * s] == k && !body(buf[2 * s + 1]) { return }
            }
            probed += n
            slot = (slot + n) & (capacity - 1)
        }
    }

    func insert(key: UInt64, value: UInt64) throws {
        if (used + 1) * 2 > capacity { try grow() }
        try place(DiskHashTable.stored(key), value, fd: fd, capacity: capacity)
        used += 1
    }

    private func place(_ k: UInt64, _ value: UInt64, fd: Int32, capacity: Int) throws {
        var slot = Int(truncatingIfNeeded: k & UInt64(capacity - 1))
        var word: UInt64 = 0
        while true {
            let got = withUnsafeMutableBytes(of: &word) { pread(fd, $0.baseAddress, 8, off_t(slot * DiskHashTable.slotBytes)) }
            guard got == 8 else { throw CorpusError.unreadable(path: path, reason: "short read of dedup index") }
            if word == 0 { break }
            slot = (slot + 1) & (capacity - 1)
        }
        var record = [k, value]
        let put = record.withUnsafeMutableBytes { pwrite(fd, $0.baseAddress, DiskHashTable.slotBytes, off_t(slot * DiskHashTable.slotBytes)) }
        guard put == DiskHashTable.slotBytes else { throw CorpusError.unreadable(path: path, reason: "cannot write dedup index") }
    }

    /// Doubles the table: streams the old file in fixed chunks into a new one, then renames it over.
    private func grow() throws {
        let bigger = capacity * 2
        let tmp = path + ".grow"
        let newFD = try DiskHashTable.create(tmp, slots: bigger)
        var buf = [UInt64](repeating: 0, count: 2 * 4096)
        var slot = 0
        while slot < capacity {
            let n = try read(slot, 4096, into: &buf)
            for s in 0..<n where buf[2 * s] != 0 { try place(buf[2 * s], buf[2 * s + 1], fd: newFD, capacity: bigger) }
            slot += n
        }
        guard rename(tmp, path) == 0 else { close(newFD); throw CorpusError.unreadable(path: path, reason: "cannot replace dedup index") }
        close(fd)
        fd = newFD; capacity = bigger
    }
}

/// The bounded index: `exact.idx` (key = first 8 bytes of the hash, value = next 8), `bands.idx`
/// (band key -> signature number) and `signatures.bin` (64 x UInt32 per admitted document) in `directory`.
/// Starts empty (files truncated); disk use grows about 300 bytes per admitted document.
public final class DiskDedupIndex: DedupIndex {
    let exact: DiskHashTable
    let bands: DiskHashTable
    let signatureFD: Int32
    let signaturePath: String
    var signatures = 0
    let signatureWords: Int

    public init(directory: String, signatureWords: Int = 64) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func p(_ f: String) -> String { (directory as NSString).appendingPathComponent(f) }
        exact = try DiskHashTable(path: p("exact.idx"), capacity: 1 << 20)
        bands = try DiskHashTable(path: p("bands.idx"), capacity: 1 << 22)
        signaturePath = p("signatures.bin")
        signatureFD = open(signaturePath, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard signatureFD >= 0 else { throw CorpusError.unreadable(path: signaturePath, reason: "cannot create dedup signatures") }
        self.signatureWords = signatureWords
    }
    deinit { close(signatureFD) }

    public func containsExact(_ key: (UInt64, UInt64)) throws -> Bool {
        var found = false
        try exact.forEach(key: key.0) { v in if v == key.1 { found = true; return false }; return true }
        return found
    }
    public func insertExact(_ key: (UInt64, UInt64)) throws { try exact.insert(key: key.0, value: key.1) }

    public func forEachSignature(inBand band: UInt64, _ body: ([UInt32]) -> Bool) throws {
        var sig = [UInt32](repeating: 0, count: signatureWords)
        var failure: Error? = nil
        try bands.forEach(key: band) { n in
            let bytes = signatureWords * 4
            let got = sig.withUnsafeMutableBytes { pread(signatureFD, $0.baseAddress, bytes, off_t(Int(n) * bytes)) }
            guard got == bytes else { failure = CorpusError.unreadable(path: signaturePath, reason: "short read of dedup signatures"); return false }
            return body(sig)
        }
        if let failure { throw failure }
    }

    public func insert(signature: [UInt32], bands keys: [UInt64]) throws {
        precondition(signature.count == signatureWords, "signature length is fixed per index")
        let bytes = signatureWords * 4
        var copy = signature
        let put = copy.withUnsafeMutableBytes { pwrite(signatureFD, $0.baseAddress, bytes, off_t(signatures * bytes)) }
        guard put == bytes else { throw CorpusError.unreadable(path: signaturePath, reason: "cannot write dedup signatures") }
        for k in keys { try bands.insert(key: k, value: UInt64(signatures)) }
        signatures += 1
    }
}

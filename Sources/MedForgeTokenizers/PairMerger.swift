/// Greedy pair merging shared by BPE (lowest rank first) and SentencePiece (highest score first).
///
/// Symbols live in a doubly linked list over an array; candidate pairs sit in a binary min-heap keyed
/// by (cost, left position). Popping the cheapest pair and ignoring stale entries reproduces the
/// "scan for the best pair, leftmost on ties, merge, repeat" loop of llama2.c and Hugging Face
/// `tokenizers` in O(n log n) instead of O(n²).
struct PairMerger {
    struct Candidate {
        var cost: Float      // smaller merges first (BPE rank, or -score for SentencePiece)
        var left: Int32      // position of the left symbol (original order = current order)
        var right: Int32     // position of the right symbol when the candidate was made
        var leftID: Int32
        var rightID: Int32
        var result: Int32
        @inline(__always) func before(_ o: Candidate) -> Bool {
            cost < o.cost || (cost == o.cost && left < o.left)
        }
    }

    private var ids: [Int32] = []
    private var prev: [Int32] = []
    private var next: [Int32] = []
    private var heap: [Candidate] = []

    /// Merges `symbols` in place. `lookup(a, b)` returns (cost, merged id) when a+b may merge.
    mutating func merge(_ symbols: inout [Int32], lookup: (Int32, Int32) -> (Float, Int32)?) {
        let n = symbols.count
        if n < 2 { return }
        ids = symbols
        prev.removeAll(keepingCapacity: true)
        next.removeAll(keepingCapacity: true)
        heap.removeAll(keepingCapacity: true)
        for i in 0..<n {
            prev.append(Int32(i - 1))
            next.append(i + 1 < n ? Int32(i + 1) : -1)
        }
        for i in 0..<(n - 1) { consider(Int32(i), Int32(i + 1), lookup) }
        while let c = popMin() {
            let l = Int(c.left), r = Int(c.right)
            // Stale if either side changed since the candidate was made.
            if ids[l] != c.leftID || ids[r] != c.rightID || next[l] != c.right { continue }
            ids[l] = c.result
            ids[r] = -1
            let rn = next[r]
            next[l] = rn
            if rn >= 0 { prev[Int(rn)] = Int32(l) }
            let lp = prev[l]
            if lp >= 0 { consider(lp, Int32(l), lookup) }
            if rn >= 0 { consider(Int32(l), rn, lookup) }
        }
        symbols.removeAll(keepingCapacity: true)
        var i: Int32 = 0
        while i >= 0 { symbols.append(ids[Int(i)]); i = next[Int(i)] }
    }

    @inline(__always)
    private mutating func consider(_ l: Int32, _ r: Int32, _ lookup: (Int32, Int32) -> (Float, Int32)?) {
        let a = ids[Int(l)], b = ids[Int(r)]
        guard let (cost, result) = lookup(a, b) else { return }
        push(Candidate(cost: cost, left: l, right: r, leftID: a, rightID: b, result: result))
    }

    private mutating func push(_ c: Candidate) {
        heap.append(c)
        var i = heap.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if heap[i].before(heap[p]) { heap.swapAt(i, p); i = p } else { break }
        }
    }

    private mutating func popMin() -> Candidate? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return top }
        heap[0] = last
        var i = 0
        let n = heap.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < n && heap[l].before(heap[m]) { m = l }
            if r < n && heap[r].before(heap[m]) { m = r }
            if m == i { break }
            heap.swapAt(i, m); i = m
        }
        return top
    }
}

/// Little-endian reader over untrusted bytes: every read checks the bytes left.
struct ByteCursor {
    let bytes: [UInt8]
    var offset = 0
    let file: String
    init(_ bytes: [UInt8], file: String) { self.bytes = bytes; self.file = file }
    var remaining: Int { bytes.count - offset }

    mutating func u32(_ what: String) throws -> UInt32 {
        guard remaining >= 4 else {
            throw TokenizerError(file: file, problem: "truncated at byte \(offset): expected 4 bytes for \(what), found \(remaining)")
        }
        let v = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        offset += 4
        return v
    }
    mutating func i32(_ what: String) throws -> Int32 { Int32(bitPattern: try u32(what)) }
    mutating func f32(_ what: String) throws -> Float { Float(bitPattern: try u32(what)) }
    mutating func take(_ n: Int, _ what: String) throws -> ArraySlice<UInt8> {
        guard n >= 0, remaining >= n else {
            throw TokenizerError(file: file, problem: "truncated at byte \(offset): expected \(n) bytes for \(what), found \(remaining)")
        }
        defer { offset += n }
        return bytes[offset..<(offset + n)]
    }
}

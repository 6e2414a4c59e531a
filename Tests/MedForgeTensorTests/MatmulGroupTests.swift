import Testing
@testable import MedForgeTensor

/// `MatmulGroup` runs several single-token products in one pool run; each item must come out as its
/// own `matmul` would (same activation quantisation, same kernel), whatever the mix of types.
struct MatmulGroupTests {
    struct Item {
        let matrix: TestMatrix
        let input: Int   // index into the inputs
    }

    static func compare(_ specs: [(GGMLType, Int, Int, Int)], prepare: Bool = true, threads: Int = 2) {
        // (type, rows, cols, input index); inputs are per (cols, index) so items can share them
        let items = specs.enumerated().map { i, s in
            Item(matrix: TestMatrix(s.0, rows: s.1, cols: s.2, seed: UInt64(100 + i)), input: s.3)
        }
        if prepare { for it in items { it.matrix.matrix.prepareForFastKernels() } }
        let inputs: [[Float]] = specs.map { s in randomActivations(batch: 1, cols: s.2, seed: UInt64(7 * s.3 + s.2)) }
        let pool = ThreadPool(threads: threads)
        let group = MatmulGroup(capacity: 2)  // grows while adding
        var grouped = specs.map { [Float](repeating: .nan, count: $0.1) }
        var single = specs.map { [Float](repeating: .nan, count: $0.1) }
        // inputs[i] for items with the same (cols, input) hold the same values; point shared ones at one buffer
        var firstOwner: [String: Int] = [:]
        for (i, s) in specs.enumerated() where firstOwner["\(s.2)/\(s.3)"] == nil { firstOwner["\(s.2)/\(s.3)"] = i }
        do {
            let xs = inputs.map { v -> UnsafeMutablePointer<Float> in
                let p = UnsafeMutablePointer<Float>.allocate(capacity: v.count); p.initialize(from: v, count: v.count); return p
            }
            defer { xs.forEach { $0.deallocate() } }
            let ys = specs.map { UnsafeMutablePointer<Float>.allocate(capacity: $0.1) }
            defer { ys.forEach { $0.deallocate() } }
            for (i, s) in specs.enumerated() {
                let x = xs[firstOwner["\(s.2)/\(s.3)"]!]
                group.add(items[i].matrix.matrix, x, ys[i])
            }
            #expect(group.count == specs.count)
            group.run(pool: pool)
            #expect(group.count == 0)
            for (i, s) in specs.enumerated() {
                grouped[i] = Array(UnsafeBufferPointer(start: ys[i], count: s.1))
                let x = xs[firstOwner["\(s.2)/\(s.3)"]!]
                single[i].withUnsafeMutableBufferPointer { items[i].matrix.matrix.matmul(x, batch: 1, $0.baseAddress!, pool: pool) }
            }
        }
        for i in specs.indices {
            for r in 0..<specs[i].1 {
                let a = grouped[i][r], b = single[i][r]
                #expect(abs(a - b) <= 1e-4 * max(1, abs(b)), "item \(i) (\(specs[i].0)) row \(r): grouped \(a) single \(b)")
                if !(abs(a - b) <= 1e-4 * max(1, abs(b))) { break }
            }
        }
    }

    // Guards the decode grouping: mixed types, shared and separate inputs, small and larger matrices.
    @Test func mixedItemsMatchTheirOwnMatmul() {
        Self.compare([(.q4_0, 64, 256, 0), (.q8_0, 32, 256, 0), (.q4_0, 48, 256, 0), (.q6_K, 32, 256, 0),
                      (.q4_K, 16, 512, 1), (.f32, 5, 256, 0), (.f16, 7, 96, 2), (.q4_0, 1024, 96, 3),
                      (.q4_0, 16, 96, 2), (.q6_K, 17, 256, 4)])
    }

    // Guards the one-thread pool and the split into runs of at most 64 items.
    @Test func manyItemsAndOneThread() {
        let specs = (0..<70).map { i in (i % 3 == 0 ? GGMLType.q8_0 : .q4_0, 16 * (1 + i % 4), 64, i % 5) }
        Self.compare(specs)
        Self.compare(Array(specs.prefix(9)), threads: 1)
    }

    // Guards the fallback: matrices without a fast kernel still give their own matmul's answer.
    @Test func unpreparedMatricesFallBack() {
        Self.compare([(.q4_0, 32, 64, 0), (.q8_0, 16, 64, 0)], prepare: false)
    }
}

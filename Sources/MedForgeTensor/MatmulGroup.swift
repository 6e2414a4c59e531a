import CMedForgeKernels

/// Single-token products run together: `y_i = W_i x_i` for every added item, in one pool run
/// (decode: q/k/v, gate/up, the chosen experts of a MoE layer). Activations shared by several items
/// are quantised once. Reusable: `removeAll()` keeps the storage, so a decode step allocates nothing.
public final class MatmulGroup {
    private var matrices: UnsafeMutablePointer<mf_matrix>
    private var items: UnsafeMutablePointer<mf_matmul_item>
    private var owners: [WeightMatrix] = []
    private var capacity: Int
    public private(set) var count = 0

    public init(capacity: Int = 16) {
        self.capacity = max(1, capacity)
        matrices = .allocate(capacity: self.capacity)
        items = .allocate(capacity: self.capacity)
        owners.reserveCapacity(self.capacity)
    }
    deinit { matrices.deallocate(); items.deallocate() }

    public func removeAll() {
        count = 0
        owners.removeAll(keepingCapacity: true)
    }

    /// Adds y = w x for each of the run's tokens. The pointers must stay valid until `run`.
    public func add(_ w: WeightMatrix, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        if count == capacity { grow() }
        matrices[count] = mf_matrix(type: Int32(w.type.rawValue), rows: Int64(w.rows), cols: Int64(w.cols),
                                    row_bytes: w.rowBytes, data: w.data,
                                    packed: w.packed.flatMap { UnsafeRawPointer($0.storage) })
        items[count] = mf_matmul_item(w: nil, x: x, y: y)
        owners.append(w)
        count += 1
    }

    /// Runs every item, then empties the group. For one token (`batch` 1) in one pool run when all have fast
    /// kernels; otherwise (prompt batches, no fast kernel) one matmul each, x (batch, cols) -> y (batch, rows).
    public func run(batch: Int = 1, pool: ThreadPool) {
        defer { removeAll() }
        guard count > 0 else { return }
        if batch == 1 && owners.allSatisfy({ $0.packed != nil }) {
            for i in 0..<count { items[i].w = UnsafePointer(matrices + i) }
            if mf_matmul_many(pool.handle, items, Int32(count), KernelISA.auto.rawValue) == 1 { return }
        }
        for i in 0..<count { owners[i].matmul(items[i].x, batch: batch, items[i].y, pool: pool) }
    }

    private func grow() {
        let c = capacity * 2
        let m = UnsafeMutablePointer<mf_matrix>.allocate(capacity: c)
        m.moveInitialize(from: matrices, count: count)
        matrices.deallocate(); matrices = m
        let it = UnsafeMutablePointer<mf_matmul_item>.allocate(capacity: c)
        it.moveInitialize(from: items, count: count)
        items.deallocate(); items = it
        capacity = c
    }
}

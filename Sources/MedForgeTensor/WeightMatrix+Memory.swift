extension WeightMatrix {
    /// True when the fast kernels read a repacked copy, so the file bytes are off the hot path
    /// (the generic fallback and `row(_:into:)` still read them, faulting them back in if dropped).
    public var readsRepackedCopy: Bool { packed?.storage != nil }

    /// The object keeping `data` alive (e.g. the memory-mapped model file).
    public var storageOwner: AnyObject? { owner }
}

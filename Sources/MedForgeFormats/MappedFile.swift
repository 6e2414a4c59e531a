#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file. Tensor data points into it, so it lives as long as any
/// weight that uses it.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let base: UnsafeRawPointer
    public let count: Int

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FormatError(file: path, "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FormatError(file: path, "cannot stat") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw FormatError(file: path, "not a regular file") }
        let size = Int(st.st_size)
        guard size > 0 else { throw FormatError(file: path, "file is empty") }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { throw FormatError(file: path, "cannot map \(size) bytes") }
        self.base = UnsafeRawPointer(p)
        self.count = size
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), count) }

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Lets the kernel drop the resident pages of a range that is no longer needed (e.g. weights that
    /// were repacked into a copy). The mapping stays valid: a later read faults the pages back in.
    public func release(_ p: UnsafeRawPointer, byteCount n: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = Int(bitPattern: p)
        let lo = (start + page - 1) / page * page
        let hi = (start + n) / page * page
        guard hi > lo, lo >= Int(bitPattern: base), hi <= Int(bitPattern: base) + count else { return }
        _ = madvise(UnsafeMutableRawPointer(bitPattern: lo), hi - lo, Int32(MADV_DONTNEED))
    }
}

/// Bounds-checked little-endian reader over a byte buffer. Every read checks the bytes left.
public struct ByteCursor {
    public let bytes: UnsafeRawBufferPointer
    public var offset: Int
    let file: String

    public init(_ bytes: UnsafeRawBufferPointer, file: String, offset: Int = 0) {
        self.bytes = bytes; self.file = file; self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }

    mutating func need(_ n: Int, _ what: String) throws {
        guard n >= 0, n <= remaining else {
            throw FormatError(file: file, "truncated: \(what) needs \(n) bytes at offset \(offset), \(remaining) left")
        }
    }

    public mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: String) throws -> T {
        try need(MemoryLayout<T>.size, what)
        let v = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: v)
    }

    public mutating func readF32(_ what: String) throws -> Float { Float(bitPattern: try read(UInt32.self, what)) }
    public mutating func readF64(_ what: String) throws -> Double { Double(bitPattern: try read(UInt64.self, what)) }

    public mutating func readBytes(_ n: Int, _ what: String) throws -> UnsafeRawBufferPointer {
        try need(n, what)
        let r = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
        offset += n
        return r
    }
}

import MedForgeTensor

/// A metadata value of a GGUF file (all thirteen GGUF value types).
public indirect enum GGUFValue: Sendable, CustomStringConvertible {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String), uint64(UInt64), int64(Int64), float64(Double)
    case array([GGUFValue])

    /// Integer value of any integer type (nil for other types or values that do not fit).
    public var int: Int? {
        switch self {
        case .uint8(let v): return Int(v)
        case .int8(let v): return Int(v)
        case .uint16(let v): return Int(v)
        case .int16(let v): return Int(v)
        case .uint32(let v): return Int(v)
        case .int32(let v): return Int(v)
        case .uint64(let v): return Int(exactly: v)
        case .int64(let v): return Int(v)
        case .bool(let v): return v ? 1 : 0
        default: return nil
        }
    }
    public var double: Double? {
        switch self {
        case .float32(let v): return Double(v)
        case .float64(let v): return v
        default: return int.map(Double.init)
        }
    }
    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var bool: Bool? {
        switch self { case .bool(let b): return b; default: return int.map { $0 != 0 } }
    }
    public var array: [GGUFValue]? { if case .array(let a) = self { return a }; return nil }
    public var stringArray: [String]? { array?.compactMap(\.string) }
    public var floatArray: [Float]? { array?.compactMap { $0.double.map(Float.init) } }
    public var intArray: [Int]? { array?.compactMap(\.int) }

    public var description: String {
        switch self {
        case .string(let s): return s.count > 60 ? "\"\(s.prefix(57))...\"" : "\"\(s)\""
        case .array(let a):
            let head = a.prefix(4).map(\.description).joined(separator: ", ")
            return "[\(head)\(a.count > 4 ? ", ... (\(a.count) items)" : "")]"
        case .bool(let b): return "\(b)"
        case .float32(let v): return "\(v)"
        case .float64(let v): return "\(v)"
        default: return "\(int ?? 0)"
        }
    }
}

/// One tensor's entry in a GGUF file. `shape` is in GGUF order: shape[0] is the innermost (row length).
public struct GGUFTensorInfo: Sendable {
    public let name: String
    public let shape: [Int]
    public let type: GGMLType
    /// Offset from the start of the file.
    public let fileOffset: Int
    public let byteCount: Int
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A GGUF v2/v3 file, memory-mapped. Every length and offset is checked against the bytes present.
public final class GGUFFile: @unchecked Sendable {
    public let path: String
    public let version: UInt32
    public let metadata: [String: GGUFValue]
    /// Metadata keys in file order (for `inspect`).
    public let metadataKeys: [String]
    public let tensors: [GGUFTensorInfo]
    public let tensorIndex: [String: Int]
    public let alignment: Int
    let mapping: MappedFile

    public convenience init(path: String) throws {
        try self.init(mapping: MappedFile(path: path))
    }

    init(mapping: MappedFile) throws {
        self.mapping = mapping
        self.path = mapping.path
        let parsed = try GGUFParser.parse(mapping.bytes, file: mapping.path)
        version = parsed.version
        metadata = parsed.metadata
        metadataKeys = parsed.keys
        tensors = parsed.tensors
        alignment = parsed.alignment
        var index: [String: Int] = [:]
        for (i, t) in tensors.enumerated() { index[t.name] = i }
        tensorIndex = index
    }

    public var architecture: String? { metadata["general.architecture"]?.string }

    public func tensor(_ name: String) -> GGUFTensorInfo? { tensorIndex[name].map { tensors[$0] } }

    /// Pointer to the tensor's bytes inside the mapping (bounds were checked at parse time).
    public func data(_ t: GGUFTensorInfo) -> UnsafeRawPointer { mapping.base + t.fileOffset }

    /// The tensor as a weight matrix (rows = product of outer dims, cols = shape[0]).
    public func matrix(_ name: String) throws -> WeightMatrix {
        guard let t = tensor(name) else { throw FormatError(file: path, "missing tensor \(name)") }
        return try matrix(t)
    }

    public func matrix(_ t: GGUFTensorInfo) throws -> WeightMatrix {
        guard t.type.isSupported else {
            throw FormatError(file: path, "tensor \(t.name) has type \(t.type), which MedForge cannot compute with (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K)")
        }
        let cols = t.shape.first ?? 1
        return WeightMatrix(type: t.type, rows: t.elementCount / max(cols, 1), cols: cols, data: data(t), owner: mapping)
    }

    /// Slice `index` of a 3-D tensor (ne = [cols, rows, n]) as a matrix, e.g. one expert of `ffn_up_exps`.
    public func matrix(_ name: String, slice index: Int) throws -> WeightMatrix {
        guard let t = tensor(name) else { throw FormatError(file: path, "missing tensor \(name)") }
        guard t.shape.count == 3, index >= 0, index < t.shape[2] else {
            throw FormatError(file: path, "tensor \(name) with shape \(t.shape) has no slice \(index)")
        }
        guard t.type.isSupported else { throw FormatError(file: path, "tensor \(t.name) has unsupported type \(t.type)") }
        let (cols, rows) = (t.shape[0], t.shape[1])
        let sliceBytes = t.byteCount / t.shape[2]
        return WeightMatrix(type: t.type, rows: rows, cols: cols, data: data(t) + index * sliceBytes, owner: mapping)
    }

    /// A 1-D tensor (norm weights, biases) as floats.
    public func vector(_ name: String) throws -> [Float] {
        guard let t = tensor(name) else { throw FormatError(file: path, "missing tensor \(name)") }
        guard t.type.isSupported else { throw FormatError(file: path, "tensor \(name) has unsupported type \(t.type)") }
        var out = [Float](repeating: 0, count: t.elementCount)
        out.withUnsafeMutableBufferPointer { dequantizeRow(t.type, data(t), $0.baseAddress!, t.elementCount) }
        return out
    }
}

enum GGUFParser {
    struct Parsed {
        var version: UInt32
        var metadata: [String: GGUFValue]
        var keys: [String]
        var tensors: [GGUFTensorInfo]
        var alignment: Int
    }

    static let maxDims = 4

    static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws -> Parsed {
        var c = ByteCursor(bytes, file: file)
        let magic = try c.read(UInt32.self, "magic")
        guard magic == 0x4655_4747 else {  // "GGUF"
            throw FormatError(file: file, "not a GGUF file: magic is 0x\(String(magic, radix: 16)), expected 0x46554747 (\"GGUF\")")
        }
        let version = try c.read(UInt32.self, "version")
        guard version == 2 || version == 3 else {
            throw FormatError(file: file, "GGUF version \(version) is not supported (expected 2 or 3)")
        }
        let tensorCount = try c.read(UInt64.self, "tensor count")
        let kvCount = try c.read(UInt64.self, "metadata count")
        // Each metadata entry takes at least 12 bytes, each tensor entry at least 24.
        guard kvCount <= UInt64(c.remaining / 12) else {
            throw FormatError(file: file, "metadata count \(kvCount) is impossible for a file of \(bytes.count) bytes")
        }
        guard tensorCount <= UInt64(c.remaining / 24) else {
            throw FormatError(file: file, "tensor count \(tensorCount) is impossible for a file of \(bytes.count) bytes")
        }
        var metadata: [String: GGUFValue] = [:]
        var keys: [String] = []
        for _ in 0..<Int(kvCount) {
            let key = try readString(&c, "metadata key")
            let type = try c.read(UInt32.self, "type of \(key)")
            let value = try readValue(&c, type: type, key: key, depth: 0)
            if metadata.updateValue(value, forKey: key) == nil { keys.append(key) }
        }
        var alignment = 32
        if let a = metadata["general.alignment"] {
            guard let v = a.int, v > 0, v <= 1 << 20, v & (v - 1) == 0 else {
                throw FormatError(file: file, "general.alignment must be a power of two, found \(a)")
            }
            alignment = v
        }
        struct RawInfo { var name: String; var shape: [Int]; var type: GGMLType; var offset: UInt64 }
        var raw: [RawInfo] = []
        raw.reserveCapacity(Int(tensorCount))
        for _ in 0..<Int(tensorCount) {
            let name = try readString(&c, "tensor name")
            let nd = try c.read(UInt32.self, "dimension count of \(name)")
            guard nd >= 1, nd <= UInt32(maxDims) else {
                throw FormatError(file: file, "tensor \(name) has \(nd) dimensions (expected 1...\(maxDims))")
            }
            var shape: [Int] = []
            var elements = 1
            for _ in 0..<Int(nd) {
                let d = try c.read(UInt64.self, "shape of \(name)")
                guard d >= 1, d < 1 << 40, let di = Int(exactly: d) else {
                    throw FormatError(file: file, "tensor \(name) has dimension \(d)")
                }
                let (m, o) = elements.multipliedReportingOverflow(by: di)
                guard !o, m < 1 << 48 else { throw FormatError(file: file, "tensor \(name) has an absurd size \(shape + [di])") }
                elements = m
                shape.append(di)
            }
            let rawType = try c.read(UInt32.self, "type of \(name)")
            guard let type = GGMLType(rawValue: rawType) else {
                throw FormatError(file: file, "tensor \(name) has unknown type id \(rawType)")
            }
            let offset = try c.read(UInt64.self, "offset of \(name)")
            raw.append(RawInfo(name: name, shape: shape, type: type, offset: offset))
        }
        let dataStart = (c.offset + alignment - 1) / alignment * alignment
        guard dataStart <= bytes.count else {
            throw FormatError(file: file, "truncated: tensor data would start at \(dataStart), file has \(bytes.count) bytes")
        }
        let dataSize = bytes.count - dataStart
        var tensors: [GGUFTensorInfo] = []
        var seen = Set<String>()
        for r in raw {
            guard seen.insert(r.name).inserted else { throw FormatError(file: file, "duplicate tensor name \(r.name)") }
            guard r.shape[0] % r.type.blockSize == 0, let rowBytes = r.type.rowBytes(r.shape[0]) else {
                throw FormatError(file: file, "tensor \(r.name): row length \(r.shape[0]) is not a multiple of the \(r.type) block size \(r.type.blockSize)")
            }
            let rows = r.shape.dropFirst().reduce(1, *)
            let (size, o) = rowBytes.multipliedReportingOverflow(by: rows)
            guard !o else { throw FormatError(file: file, "tensor \(r.name) has an absurd size") }
            guard r.offset % UInt64(alignment) == 0 else {
                throw FormatError(file: file, "tensor \(r.name) offset \(r.offset) is not aligned to \(alignment)")
            }
            guard r.offset <= UInt64(dataSize), size <= dataSize - Int(r.offset) else {
                throw FormatError(file: file, "tensor \(r.name) (\(size) bytes at data offset \(r.offset)) runs past the end of the file (\(dataSize) data bytes)")
            }
            tensors.append(GGUFTensorInfo(name: r.name, shape: r.shape, type: r.type,
                                          fileOffset: dataStart + Int(r.offset), byteCount: size))
        }
        return Parsed(version: version, metadata: metadata, keys: keys, tensors: tensors, alignment: alignment)
    }

    static func readString(_ c: inout ByteCursor, _ what: String) throws -> String {
        let n = try c.read(UInt64.self, "length of \(what)")
        guard n <= UInt64(c.remaining) else {
            throw FormatError(file: c.file, "\(what) claims \(n) bytes at offset \(c.offset - 8), only \(c.remaining) left")
        }
        let b = try c.readBytes(Int(n), what)
        return String(decoding: b, as: UTF8.self)
    }

    static func readValue(_ c: inout ByteCursor, type: UInt32, key: String, depth: Int) throws -> GGUFValue {
        switch type {
        case 0: return .uint8(try c.read(UInt8.self, key))
        case 1: return .int8(try c.read(Int8.self, key))
        case 2: return .uint16(try c.read(UInt16.self, key))
        case 3: return .int16(try c.read(Int16.self, key))
        case 4: return .uint32(try c.read(UInt32.self, key))
        case 5: return .int32(try c.read(Int32.self, key))
        case 6: return .float32(try c.readF32(key))
        case 7:
            let b = try c.read(UInt8.self, key)
            guard b <= 1 else { throw FormatError(file: c.file, "metadata \(key): bool byte \(b) is neither 0 nor 1") }
            return .bool(b == 1)
        case 8: return .string(try readString(&c, key))
        case 9:
            guard depth < 2 else { throw FormatError(file: c.file, "metadata \(key): arrays nested too deeply") }
            let et = try c.read(UInt32.self, "element type of \(key)")
            let n = try c.read(UInt64.self, "element count of \(key)")
            let minSize: Int
            switch et {
            case 0, 1, 7: minSize = 1
            case 2, 3: minSize = 2
            case 4, 5, 6: minSize = 4
            case 8, 10, 11, 12, 9: minSize = 8
            default: throw FormatError(file: c.file, "metadata \(key): unknown array element type \(et)")
            }
            guard n <= UInt64(c.remaining / minSize) else {
                throw FormatError(file: c.file, "metadata \(key): array of \(n) elements cannot fit in the \(c.remaining) bytes left")
            }
            var out: [GGUFValue] = []
            out.reserveCapacity(Int(n))
            for _ in 0..<Int(n) { out.append(try readValue(&c, type: et, key: key, depth: depth + 1)) }
            return .array(out)
        case 10: return .uint64(try c.read(UInt64.self, key))
        case 11: return .int64(try c.read(Int64.self, key))
        case 12: return .float64(try c.readF64(key))
        default: throw FormatError(file: c.file, "metadata \(key): unknown value type \(type)")
        }
    }
}

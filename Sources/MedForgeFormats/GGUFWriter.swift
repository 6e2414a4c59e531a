import Foundation
import MedForgeTensor

/// Writes GGUF v3 files: metadata in insertion order, tensors aligned to `alignment`.
public struct GGUFWriter {
    public struct Tensor {
        public var name: String
        public var shape: [Int]     // GGUF order: shape[0] innermost
        public var type: GGMLType
        public var bytes: [UInt8]
        public init(name: String, shape: [Int], type: GGMLType, bytes: [UInt8]) {
            self.name = name; self.shape = shape; self.type = type; self.bytes = bytes
        }
    }

    public var metadata: [(String, GGUFValue)] = []
    public var tensors: [Tensor] = []
    public var alignment = 32

    public init() {}

    public mutating func set(_ key: String, _ value: GGUFValue) {
        if let i = metadata.firstIndex(where: { $0.0 == key }) { metadata[i].1 = value } else { metadata.append((key, value)) }
    }

    public mutating func addTensor(_ name: String, shape: [Int], floats: [Float]) {
        precondition(shape.reduce(1, *) == floats.count)
        var b = [UInt8](); b.reserveCapacity(floats.count * 4)
        for f in floats { withUnsafeBytes(of: f.bitPattern.littleEndian) { b += $0 } }
        tensors.append(Tensor(name: name, shape: shape, type: .f32, bytes: b))
    }

    public func serialize() -> [UInt8] {
        var out = [UInt8]()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        func str(_ s: String) { u64(UInt64(s.utf8.count)); out += Array(s.utf8) }
        func typeID(_ v: GGUFValue) -> UInt32 {
            switch v {
            case .uint8: return 0
            case .int8: return 1
            case .uint16: return 2
            case .int16: return 3
            case .uint32: return 4
            case .int32: return 5
            case .float32: return 6
            case .bool: return 7
            case .string: return 8
            case .array: return 9
            case .uint64: return 10
            case .int64: return 11
            case .float64: return 12
            }
        }
        func value(_ v: GGUFValue) {
            switch v {
            case .uint8(let x): out.append(x)
            case .int8(let x): out.append(UInt8(bitPattern: x))
            case .uint16(let x): withUnsafeBytes(of: x.littleEndian) { out += $0 }
            case .int16(let x): withUnsafeBytes(of: x.littleEndian) { out += $0 }
            case .uint32(let x): u32(x)
            case .int32(let x): u32(UInt32(bitPattern: x))
            case .float32(let x): u32(x.bitPattern)
            case .bool(let x): out.append(x ? 1 : 0)
            case .string(let s): str(s)
            case .uint64(let x): u64(x)
            case .int64(let x): u64(UInt64(bitPattern: x))
            case .float64(let x): u64(x.bitPattern)
            case .array(let a):
                u32(a.first.map(typeID) ?? 4)
                u64(UInt64(a.count))
                a.forEach(value)
            }
        }
        out += Array("GGUF".utf8)
        u32(3)
        u64(UInt64(tensors.count))
        u64(UInt64(metadata.count + (alignment == 32 ? 0 : 1)))
        if alignment != 32 { str("general.alignment"); u32(4); u32(UInt32(alignment)) }
        for (k, v) in metadata { str(k); u32(typeID(v)); value(v) }
        var offset = 0
        var offsets: [Int] = []
        for t in tensors {
            offsets.append(offset)
            offset += (t.bytes.count + alignment - 1) / alignment * alignment
        }
        for (t, o) in zip(tensors, offsets) {
            str(t.name)
            u32(UInt32(t.shape.count))
            for d in t.shape { u64(UInt64(d)) }
            u32(t.type.rawValue)
            u64(UInt64(o))
        }
        while out.count % alignment != 0 { out.append(0) }
        for t in tensors {
            out += t.bytes
            while out.count % alignment != 0 { out.append(0) }
        }
        return out
    }

    public func write(to path: String) throws {
        let bytes = serialize()
        let tmp = path + ".partial"
        guard FileManager.default.createFile(atPath: tmp, contents: Data(bytes)) else {
            throw FormatError(file: path, "cannot write")
        }
        // Rename last, so a crash never leaves a truncated file under the final name.
        _ = try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: tmp, toPath: path)
    }
}

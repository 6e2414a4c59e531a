import Foundation
import MedForgeTensor

/// One `.safetensors` file, memory-mapped: an 8-byte little-endian header length, a JSON header
/// `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}`, then the data.
/// Shapes are PyTorch order (outermost first); `ggufShape` reverses them.
public final class SafetensorsFile: @unchecked Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let dtype: String
        public let shape: [Int]
        public let type: GGMLType
        public let offset: Int      // from the start of the file
        public let byteCount: Int
        public var ggufShape: [Int] { shape.isEmpty ? [1] : Array(shape.reversed()) }
    }

    public let path: String
    public let entries: [String: Entry]
    public let metadata: [String: String]
    let mapping: MappedFile

    public init(path: String) throws {
        mapping = try MappedFile(path: path)
        self.path = path
        var c = ByteCursor(mapping.bytes, file: path)
        let n = try c.read(UInt64.self, "header length")
        guard n >= 2, n <= UInt64(min(c.remaining, 100 << 20)) else {
            throw FormatError(file: path, "safetensors header length \(n) does not fit the \(mapping.count)-byte file")
        }
        let headerBytes = try c.readBytes(Int(n), "header")
        let dataStart = c.offset
        let dataSize = mapping.count - dataStart
        guard let json = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any] else {
            throw FormatError(file: path, "safetensors header is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in json {
            if name == "__metadata__" {
                if let m = value as? [String: Any] { for (k, v) in m { metadata[k] = "\(v)" } }
                continue
            }
            guard let d = value as? [String: Any], let dtype = d["dtype"] as? String,
                  let shapeAny = d["shape"] as? [Any], let offs = d["data_offsets"] as? [Any], offs.count == 2 else {
                throw FormatError(file: path, "tensor \(name): header entry needs dtype, shape and data_offsets")
            }
            let shape = shapeAny.compactMap { ($0 as? NSNumber)?.intValue }
            guard shape.count == shapeAny.count, shape.allSatisfy({ $0 >= 0 && $0 < 1 << 40 }), shape.count <= 4 else {
                throw FormatError(file: path, "tensor \(name): bad shape \(shapeAny)")
            }
            let type: GGMLType
            switch dtype {
            case "F32": type = .f32
            case "F16": type = .f16
            case "BF16": type = .bf16
            default: throw FormatError(file: path, "tensor \(name): dtype \(dtype) is not supported (F32, F16, BF16)")
            }
            guard let b = (offs[0] as? NSNumber)?.intValue, let e = (offs[1] as? NSNumber)?.intValue, b >= 0, e >= b, e <= dataSize else {
                throw FormatError(file: path, "tensor \(name): data_offsets \(offs) outside the \(dataSize) data bytes")
            }
            var count = 1
            for s in shape {
                let (m, o) = count.multipliedReportingOverflow(by: s)
                guard !o else { throw FormatError(file: path, "tensor \(name): absurd shape \(shape)") }
                count = m
            }
            guard e - b == count * type.blockBytes else {
                throw FormatError(file: path, "tensor \(name): \(e - b) bytes for shape \(shape) of \(dtype), expected \(count * type.blockBytes)")
            }
            entries[name] = Entry(name: name, dtype: dtype, shape: shape, type: type, offset: dataStart + b, byteCount: e - b)
        }
        self.entries = entries
        self.metadata = metadata
    }

    public func matrix(_ e: Entry) -> WeightMatrix {
        let s = e.ggufShape
        return WeightMatrix(type: e.type, rows: s.dropFirst().reduce(1, *), cols: s[0], data: mapping.base + e.offset, owner: mapping)
    }

    public func vector(_ e: Entry) -> [Float] {
        let n = e.shape.reduce(1, *)
        var out = [Float](repeating: 0, count: n)
        out.withUnsafeMutableBufferPointer { dequantizeRow(e.type, mapping.base + e.offset, $0.baseAddress!, n) }
        return out
    }
}

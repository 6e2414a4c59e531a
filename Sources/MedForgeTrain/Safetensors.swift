import Foundation
import MedForgeFormats

/// Writes float32 tensors in the safetensors layout: an 8-byte little-endian header length, a JSON header
/// `{name: {dtype, shape, data_offsets}}` padded with spaces to 8 bytes, then the data in header order.
struct SafetensorsWriter {
    var tensors: [(name: String, shape: [Int], values: [Float])] = []
    var metadata: [String: String] = [:]

    mutating func add(_ name: String, shape: [Int], _ values: [Float]) {
        precondition(shape.reduce(1, *) == values.count)
        tensors.append((name, shape, values))
    }

    func serialize() throws -> Data {
        let ordered = tensors.sorted { $0.name < $1.name }
        var header: [String: Any] = [:]
        var offset = 0
        for t in ordered {
            header[t.name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.values.count]]
            offset += 4 * t.values.count
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for t in ordered { t.values.withUnsafeBytes { out.append(contentsOf: $0) } }
        return out
    }

    func write(to path: String) throws {
        let data = try serialize()
        let tmp = path + ".partial"
        guard FileManager.default.createFile(atPath: tmp, contents: data) else {
            throw TrainError.io(file: path, problem: "cannot write")
        }
        _ = try? FileManager.default.removeItem(atPath: path)
        do { try FileManager.default.moveItem(atPath: tmp, toPath: path) } catch {
            throw TrainError.io(file: path, problem: "cannot move the written file into place")
        }
    }
}

/// Float32 tensors of a safetensors file by name (any of F32/F16/BF16), with typed errors.
func readSafetensors(path: String, kind: (String, String) -> TrainError) throws -> [String: (shape: [Int], values: [Float])] {
    let file: SafetensorsFile
    do { file = try SafetensorsFile(path: path) } catch let e as FormatError { throw kind(path, e.problem) }
    var out: [String: (shape: [Int], values: [Float])] = [:]
    for (name, e) in file.entries { out[name] = (e.shape, file.vector(e)) }
    return out
}

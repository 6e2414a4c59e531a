import MedForgeTensor

/// Where a model's weights and metadata come from (a GGUF file, a llama2.c checkpoint, a safetensors
/// folder). Tensors are addressed by their GGUF names and shapes (shape[0] innermost); metadata by GGUF keys,
/// so each architecture reads one naming scheme whatever the file format.
public protocol WeightSource: AnyObject, Sendable {
    var path: String { get }
    var metadata: [String: GGUFValue] { get }
    func shape(of name: String) -> [Int]?
    func matrix(_ name: String) throws -> WeightMatrix
    /// Slice `index` of a 3-D tensor (ne = [cols, rows, n]), e.g. one expert.
    func matrix(_ name: String, slice index: Int) throws -> WeightMatrix
    func vector(_ name: String) throws -> [Float]
}

extension WeightSource {
    public func has(_ name: String) -> Bool { shape(of: name) != nil }

    /// The tensor if present, checked against the expected GGUF shape.
    public func matrix(_ name: String, shape expected: [Int]) throws -> WeightMatrix {
        guard let s = shape(of: name) else { throw FormatError(file: path, "missing tensor \(name)") }
        guard s == expected || (s.count > expected.count && s.prefix(expected.count).elementsEqual(expected) && s.dropFirst(expected.count).allSatisfy { $0 == 1 }) else {
            throw FormatError(file: path, "tensor \(name) has shape \(s), expected \(expected)")
        }
        return try matrix(name)
    }

    public func vector(_ name: String, count: Int) throws -> [Float] {
        let v = try vector(name)
        guard v.count == count else { throw FormatError(file: path, "tensor \(name) has \(v.count) elements, expected \(count)") }
        return v
    }
}

extension GGUFFile: WeightSource {
    public func shape(of name: String) -> [Int]? { tensor(name)?.shape }
}

import MedForgeFormats

/// Typed access to `<arch>.*` GGUF metadata with errors that name the file and key.
struct MetadataReader {
    let source: WeightSource
    let arch: String

    func int(_ key: String) throws -> Int {
        guard let v = source.metadata["\(arch).\(key)"]?.int else {
            throw ModelError.invalidConfig("missing integer metadata \(arch).\(key)", file: source.path)
        }
        guard v >= 0 else { throw ModelError.invalidConfig("\(arch).\(key) = \(v) is negative", file: source.path) }
        return v
    }
    func int(_ key: String, default d: Int) throws -> Int {
        source.metadata["\(arch).\(key)"] == nil ? d : try int(key)
    }
    func float(_ key: String, default d: Float) -> Float {
        source.metadata["\(arch).\(key)"]?.double.map(Float.init) ?? d
    }
    func string(_ key: String) -> String? { source.metadata["\(arch).\(key)"]?.string }
    func bool(_ key: String, default d: Bool) -> Bool { source.metadata["\(arch).\(key)"]?.bool ?? d }

    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw ModelError.invalidConfig(message(), file: source.path) }
    }
}

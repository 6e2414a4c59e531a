import Foundation
import Testing
@testable import MedForgeFormats
@testable import MedForgeTensor

/// A small valid GGUF with every metadata type and a few tensors.
func sampleGGUF() -> [UInt8] {
    var w = GGUFWriter()
    w.set("general.architecture", .string("llama"))
    w.set("test.u8", .uint8(200)); w.set("test.i8", .int8(-5)); w.set("test.u16", .uint16(60000))
    w.set("test.i16", .int16(-300)); w.set("test.u32", .uint32(4_000_000_000)); w.set("test.i32", .int32(-7))
    w.set("test.f32", .float32(0.5)); w.set("test.bool", .bool(true)); w.set("test.str", .string("héllo 世界"))
    w.set("test.u64", .uint64(1 << 40)); w.set("test.i64", .int64(-(1 << 40))); w.set("test.f64", .float64(2.25))
    w.set("test.arr", .array([.string("a"), .string("bc")]))
    w.set("test.nested", .array([.array([.int32(1), .int32(2)])]))
    w.addTensor("a.weight", shape: [32, 2], floats: (0..<64).map { Float($0) * 0.25 })
    w.addTensor("b.bias", shape: [5], floats: [1, 2, 3, 4, 5])
    return w.serialize()
}

func withTempFile<T>(_ bytes: [UInt8], _ body: (String) throws -> T) throws -> T {
    let path = NSTemporaryDirectory() + "medforge-test-\(UUID().uuidString).gguf"
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

struct GGUFReaderTests {
    // Guards the metadata decoder: every one of the thirteen value types round-trips through writer and reader.
    @Test func everyMetadataTypeRoundTrips() throws {
        try withTempFile(sampleGGUF()) { path in
            let g = try GGUFFile(path: path)
            #expect(g.version == 3)
            #expect(g.metadata["test.u8"]?.int == 200)
            #expect(g.metadata["test.i8"]?.int == -5)
            #expect(g.metadata["test.u16"]?.int == 60000)
            #expect(g.metadata["test.i16"]?.int == -300)
            #expect(g.metadata["test.u32"]?.int == 4_000_000_000)
            #expect(g.metadata["test.i32"]?.int == -7)
            #expect(g.metadata["test.f32"]?.double == 0.5)
            #expect(g.metadata["test.bool"]?.bool == true)
            #expect(g.metadata["test.str"]?.string == "héllo 世界")
            #expect(g.metadata["test.u64"]?.int == 1 << 40)
            #expect(g.metadata["test.i64"]?.int == -(1 << 40))
            #expect(g.metadata["test.f64"]?.double == 2.25)
            #expect(g.metadata["test.arr"]?.stringArray == ["a", "bc"])
            #expect(g.metadata["test.nested"]?.array?.first?.intArray == [1, 2])
            #expect(g.metadataKeys.first == "general.architecture")
        }
    }

    // Guards tensor offsets and the data section alignment: values read back exactly.
    @Test func tensorDataReadsBack() throws {
        try withTempFile(sampleGGUF()) { path in
            let g = try GGUFFile(path: path)
            let m = try g.matrix("a.weight")
            #expect(m.rows == 2 && m.cols == 32)
            #expect(m.dequantized() == (0..<64).map { Float($0) * 0.25 })
            #expect(try g.vector("b.bias") == [1, 2, 3, 4, 5])
        }
    }

    // Guards the error paths named in the issue: each bad file gives a FormatError naming the file.
    @Test func badFilesGiveClearErrors() throws {
        let good = sampleGGUF()
        var wrongMagic = good; wrongMagic[0] = 0x58
        var badVersion = good; badVersion[4] = 9
        var absurdCount = good
        for i in 8..<16 { absurdCount[i] = 0xFF }   // tensor count 2^64-1
        let truncatedHeader = Array(good.prefix(10))
        let truncatedData = Array(good.dropLast(40))
        var w = GGUFWriter()
        w.tensors.append(.init(name: "x", shape: [4], type: .f32, bytes: [UInt8](repeating: 0, count: 16)))
        var unknownType = w.serialize()
        let typeOffset = 4 + 4 + 8 + 8 + (8 + 1) + 4 + 8   // magic, version, counts, name, n_dims, dim0
        unknownType[typeOffset] = 99
        for (bytes, expected) in [(wrongMagic, "not a GGUF file"), (badVersion, "version"), (absurdCount, "impossible"),
                                  (truncatedHeader, "truncated"), (truncatedData, "past the end"), (unknownType, "unknown type")] {
            try withTempFile(bytes) { path in
                do {
                    _ = try GGUFFile(path: path)
                    Issue.record("expected an error containing \(expected)")
                } catch let e as FormatError {
                    #expect(e.description.contains(path))
                    #expect(e.description.contains(expected), "\(e)")
                }
            }
        }
        #expect(throws: FormatError.self) { try GGUFFile(path: "/nonexistent/model.gguf") }
    }

    // Guards the reader against traps on hostile input: thousands of random byte mutations and truncations
    // must each either parse or throw FormatError; tensor access on a parsed file stays in bounds.
    @Test func randomMutationsNeverTrap() throws {
        let good = sampleGGUF()
        var seed: UInt64 = 12345
        func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 17 }
        var parsed = 0, rejected = 0
        for _ in 0..<4000 {
            var b = good
            let edits = Int(next() % 4) + 1
            for _ in 0..<edits {
                let i = Int(next() % UInt64(b.count))
                switch next() % 3 {
                case 0: b[i] = UInt8(truncatingIfNeeded: next())
                case 1: b[i] ^= 0x80
                default: b[i] = [0x00, 0xFF, 0x7F, 0x20][Int(next() % 4)]
                }
            }
            if next() % 5 == 0 { b = Array(b.prefix(Int(next() % UInt64(b.count)))) }
            b.withUnsafeBytes { raw in
                do {
                    let p = try GGUFParser.parse(raw, file: "fuzz.gguf")
                    for t in p.tensors { #expect(t.fileOffset + t.byteCount <= raw.count) }
                    parsed += 1
                } catch is FormatError {
                    rejected += 1
                } catch {
                    Issue.record("unexpected error type \(error)")
                }
            }
        }
        #expect(parsed + rejected == 4000)
        #expect(rejected > 100)
    }
}

struct Llama2cCheckpointTests {
    // Guards the size check: a checkpoint whose header disagrees with its length is rejected with the sizes.
    @Test func truncatedCheckpointIsRejected() throws {
        var header: [Int32] = [64, 172, 5, 8, 4, 512, 512]
        var bytes = header.withUnsafeBytes { Array($0) }
        bytes += [UInt8](repeating: 0, count: 1000)
        header[0] = 0
        try withTempFile(bytes) { path in
            #expect(throws: FormatError.self) { try Llama2cCheckpoint(path: path) }
        }
        let zeroDim = header.withUnsafeBytes { Array($0) }
        try withTempFile(zeroDim) { path in
            #expect(throws: FormatError.self) { try Llama2cCheckpoint(path: path) }
        }
    }
}

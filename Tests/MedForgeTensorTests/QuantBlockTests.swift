import CMedForgeKernels
import Testing
@testable import MedForgeTensor

struct QuantBlockTests {
    // Guards the GGUF block byte layouts the kernels and loaders rely on.
    @Test func blockTypesHaveTheirGGUFByteSizes() {
        #expect(MemoryLayout<BlockQ8_0>.size == 34)
        #expect(MemoryLayout<BlockQ4_0>.size == 18)
        #expect(MemoryLayout<BlockQ4_K>.size == 144)
        #expect(MemoryLayout<BlockQ6_K>.size == 210)
        #expect(MemoryLayout<BlockQ8Activation>.size == 40)
        #expect(MemoryLayout<BlockQ8_K>.size == 292)
        #expect(MemoryLayout<BlockQ8_KSums>.size == 292)
        #expect(MemoryLayout<BlockQ8_KBiases>.size == 324)
        #expect(GGMLType.q8_0.blockBytes == MemoryLayout<BlockQ8_0>.size)
        #expect(GGMLType.q4_0.blockBytes == MemoryLayout<BlockQ4_0>.size)
        #expect(GGMLType.q4_K.blockBytes == MemoryLayout<BlockQ4_K>.size)
        #expect(GGMLType.q6_K.blockBytes == MemoryLayout<BlockQ6_K>.size)
        #expect(GGMLType.q8_K.blockBytes == MemoryLayout<BlockQ8_K>.size)
    }

    // Guards activation quantisation: each value within half a step of amax/127, the stored scale is that
    // step rounded to fp16 as llama.cpp stores it (block_q8_0), bias = -offset * sum of the int8s.
    @Test(arguments: [Int32(8), 128])
    func activationBlocksRoundToHalfAStepAndCarryTheirBias(_ offset: Int32) {
        let x = randomActivations(batch: 1, cols: 96, seed: 3)
        var blocks = [BlockQ8Activation](repeating: BlockQ8Activation(), count: 3)
        mf_quantize_q8a(x, 96, offset, &blocks)
        for (b, blk) in blocks.enumerated() {
            let qs = withUnsafeBytes(of: blk.qs) { Array($0.bindMemory(to: Int8.self)) }
            let amax = x[(32 * b)..<(32 * b + 32)].map(abs).max()!
            let step = amax / 127
            #expect(blk.d == Float(Float16(step)))
            for j in 0..<32 { #expect(abs(Float(qs[j]) * step - x[32 * b + j]) <= step / 2 * 1.0001) }
            #expect(blk.bias == -offset * qs.reduce(0) { $0 + Int32($1) })
        }
    }

    // Guards Q8_K activation blocks: values within half a step and correct 16-value sums.
    @Test func q8KBlocksCarryTheirSixteenValueSums() {
        let x = randomActivations(batch: 1, cols: 512, seed: 4)
        var blocks = [BlockQ8_K](repeating: BlockQ8_K(), count: 2)
        mf_quantize_q8k(x, 512, &blocks)
        for (b, blk) in blocks.enumerated() {
            let qs = withUnsafeBytes(of: blk.qs) { Array($0.bindMemory(to: Int8.self)) }
            let sums = withUnsafeBytes(of: blk.bsums) { Array($0.bindMemory(to: Int16.self)) }
            for j in 0..<256 { #expect(abs(Float(qs[j]) * blk.d - x[256 * b + j]) <= blk.d / 2 * 1.0001) }
            for i in 0..<16 { #expect(Int(sums[i]) == qs[(16 * i)..<(16 * i + 16)].reduce(0) { $0 + Int($1) }) }
        }
    }

    // Guards the repacked layout sizes: 16-row groups, quants plus scales, padded to 64 bytes; K-quants only with AVX-512.
    @Test func repackedSizesCountEveryGroup() {
        #expect(mf_pack_size(Int32(GGMLType.q8_0.rawValue), 32, 64) == 2 * 1088)
        #expect(mf_pack_size(Int32(GGMLType.q4_0.rawValue), 16, 96) == 896)  // 3 * 288 = 864 -> 896
        #expect(mf_pack_size(Int32(GGMLType.q4_0.rawValue), 20, 96) == 0)
        #expect(mf_pack_size(Int32(GGMLType.q4_K.rawValue), 16, 512) == (KernelISA.hardware == .avx512 ? 2 * 2368 : 0))
        #expect(mf_pack_size(Int32(GGMLType.q4_K.rawValue), 20, 512) == 0)
        #expect(mf_pack_size(Int32(GGMLType.q6_K.rawValue), 16, 256) == (KernelISA.hardware == .avx512 ? 3360 : 0))
        #expect(mf_pack_size(Int32(GGMLType.f16.rawValue), 16, 256) == 0)
    }
}

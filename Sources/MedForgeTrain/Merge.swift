import Foundation
import MedForgeTensor
import MedForgeFormats
import MedForgeLLM

/// Folds a LoRA adapter into its GGUF base model: W' = W + (alpha/r) B A for every adapted projection, written
/// as F32 (the sum of a quantized matrix and a low-rank update has no exact quantized form); every other tensor
/// and all metadata (tokenizer included) are copied unchanged, so llama.cpp loads the result like the base.
public enum AdapterMerger {
    public static func merge(modelPath: String, adapterDir: String, outPath: String) throws {
        let gguf: GGUFFile
        do { gguf = try GGUFFile(path: modelPath) } catch let e as FormatError {
            throw TrainError.invalidModel("merge needs a GGUF base model: \(e.problem)", file: modelPath)
        }
        let config = try PEFTAdapter.loadConfig(dir: adapterDir)
        let lora = try PEFTAdapter.options(of: config, dir: adapterDir)
        let model = try openTrainableModel(source: gguf, lora: lora, seed: 0, pool: ThreadPool(threads: 1))
        try PEFTAdapter.load(dir: adapterDir, into: model)
        var byTensor: [String: LoRAAdapter] = [:]
        for (layer, kind, a) in model.adapters { byTensor["blk.\(layer).\(kind.ggufStem).weight"] = a }

        var w = GGUFWriter()
        w.alignment = gguf.alignment
        for key in gguf.metadataKeys where key != "general.alignment" {
            if let v = gguf.metadata[key] { w.set(key, v) }
        }
        for t in gguf.tensors {
            if let a = byTensor[t.name] {
                let base = try gguf.matrix(t)
                let dense = Mat(base.rows, base.cols)
                for r in 0..<base.rows { base.row(r, into: dense.row(r)) }
                matmulNN(a.b.value, a.a.value, dense, accumulate: true, scale: a.scale)   // (out, r) @ (r, in)
                w.addTensor(t.name, shape: t.shape, floats: dense.array)
            } else {
                let bytes = Array(UnsafeRawBufferPointer(start: gguf.data(t), count: t.byteCount))
                w.tensors.append(GGUFWriter.Tensor(name: t.name, shape: t.shape, type: t.type, bytes: bytes))
            }
        }
        do { try w.write(to: outPath) } catch let e as FormatError { throw TrainError.io(file: outPath, problem: e.problem) }
    }
}

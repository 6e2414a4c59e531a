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
        var byTensor: [String: [AdapterSite]] = [:]
        for site in model.adapters { byTensor[site.tensor, default: []].append(site) }

        var w = GGUFWriter()
        w.alignment = gguf.alignment
        for key in gguf.metadataKeys where key != "general.alignment" {
            if let v = gguf.metadata[key] { w.set(key, v) }
        }
        for t in gguf.tensors {
            if let sites = byTensor[t.name] {
                // All rows of the tensor (a 3-D expert tensor stacks its slices), plus each slice's (alpha/r) B A.
                let base = try gguf.matrix(t)
                let dense = Mat(base.rows, base.cols)
                for r in 0..<base.rows { base.row(r, into: dense.row(r)) }
                for site in sites {
                    let a = site.adapter, out = a.b.value.rows
                    let delta = Mat(out, base.cols)
                    matmulNN(a.b.value, a.a.value, delta, scale: a.scale)   // (out, r) @ (r, in)
                    let first = (site.slice ?? 0) * out
                    guard first + out <= base.rows else {
                        throw TrainError.badAdapter(file: adapterDir, problem: "adapter for \(t.name) does not fit its shape \(t.shape)")
                    }
                    axpy(1, delta.p, dense.row(first), delta.count)
                }
                w.addTensor(t.name, shape: t.shape, floats: dense.array)
            } else {
                let bytes = Array(UnsafeRawBufferPointer(start: gguf.data(t), count: t.byteCount))
                w.tensors.append(GGUFWriter.Tensor(name: t.name, shape: t.shape, type: t.type, bytes: bytes))
            }
        }
        do { try w.write(to: outPath) } catch let e as FormatError { throw TrainError.io(file: outPath, problem: e.problem) }
    }
}

import ArgumentParser
import Foundation
import MedForgeLLM

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Read text from stdin and print its token ids as a JSON list (or, with --decode, ids to text).")
    @Option(help: "tokenizer.json, a .gguf model, or a llama2.c tok*.bin.") var tokenizer: String
    @Flag(help: "Read a JSON id list from stdin and print the text.") var decode = false
    @Flag(help: "Add the tokenizer's special tokens (e.g. BOS).") var addSpecial = false
    @Flag(help: "Batch mode: each stdin line is a JSON string (with --decode: a JSON id list); print one result per line.") var jsonl = false

    func run() throws {
        let tok = try TokenizerLoader.load(path: tokenizer)
        let input = FileHandle.standardInput.readDataToEndOfFile()
        if jsonl && decode {
            var out = ""
            for (n, line) in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
                guard let ids = try? JSONDecoder().decode([Int].self, from: Data(line)),
                      ids.allSatisfy({ $0 >= 0 && $0 < tok.vocabularySize }) else {
                    throw ValidationError("stdin line \(n + 1) is not a JSON list of token ids in 0..<\(tok.vocabularySize)")
                }
                let text = String(decoding: tok.decodeBytes(ids), as: UTF8.self)
                out += String(decoding: try JSONEncoder().encode(text), as: UTF8.self) + "\n"
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        } else if jsonl {
            var out = ""
            for (n, line) in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
                guard let text = try? JSONDecoder().decode(String.self, from: Data(line)) else {
                    throw ValidationError("stdin line \(n + 1) is not a JSON string")
                }
                out += "[" + tok.encode(text, addSpecial: addSpecial).map(String.init).joined(separator: ",") + "]\n"
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        } else if decode {
            guard let ids = try? JSONDecoder().decode([Int].self, from: input) else {
                throw ValidationError("stdin is not a JSON list of integers")
            }
            for id in ids where id < 0 || id >= tok.vocabularySize {
                throw ValidationError("token id \(id) is outside the vocabulary (0..<\(tok.vocabularySize))")
            }
            FileHandle.standardOutput.write(Data(tok.decodeBytes(ids)))
        } else {
            // Invalid UTF-8 on stdin is decoded with U+FFFD replacements, as Python's errors="replace" does.
            let text = String(decoding: input, as: UTF8.self)
            let ids = tok.encode(text, addSpecial: addSpecial)
            FileHandle.standardOutput.write(Data(("[" + ids.map(String.init).joined(separator: ",") + "]\n").utf8))
        }
    }
}

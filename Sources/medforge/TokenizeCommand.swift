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

    func run() throws {
        let tok = try TokenizerLoader.load(path: tokenizer)
        let input = FileHandle.standardInput.readDataToEndOfFile()
        if decode {
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

import ArgumentParser
import Foundation
import MedForgeDeid

/// How the statistical tagger runs beside the rules; shared by the de-identification commands.
struct TaggerArguments: ParsableArguments {
    @Flag(name: .customLong("rules-only"), help: "Detect with the rules alone (no statistical tagger).") var rulesOnly = false
    @Option(name: .customLong("tagger-bias"), help: "Added to the tagger's 'not PHI' score: > 0 fewer spans (precision), < 0 more (recall).")
    var taggerBias: Float = 0
    @Option(name: .customLong("tagger-model"), help: "A tagger model file from `medforge deid-train` instead of the shipped one.")
    var taggerModel: String?

    func apply(to options: inout DeidOptions) throws {
        options.tagger = !rulesOnly
        options.taggerBias = taggerBias
        if let path = taggerModel {
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("--tagger-model: cannot read \(path)") }
            options.taggerModel = try TaggerModel(serialized: [UInt8](data))
        } else if !rulesOnly && TaggerModel.shipped == nil {
            throw ValidationError("the shipped tagger model (Model/phi-tagger.bin) is missing or damaged; pass --tagger-model or --rules-only")
        }
    }
}

/// Trains the statistical PHI tagger from hand-annotated notes and PHI-free text.
struct DeidTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deid-train",
        abstract: "Train the PHI tagger (averaged perceptron) from `{{TYPE|surface}}` annotated notes plus PHI-free negative text.")

    @Option(name: .customLong("gold"), help: ArgumentHelp("Annotated notes (`{{TYPE|surface}}`, documents separated by `=====`); repeatable.", valueName: "path"))
    var gold: [String] = []
    @Option(name: .customLong("plain"), help: ArgumentHelp("PHI-free text, one document per line, as negatives; repeatable.", valueName: "path"))
    var plain: [String] = []
    @Option(name: .customLong("plain-skip"), help: "Characters to skip at the start of each --plain file (keeps evaluation text out).") var plainSkip = 0
    @Option(name: .customLong("conll"), help: ArgumentHelp("PHI-free CoNLL token file (first column) as negatives; repeatable.", valueName: "path"))
    var conll: [String] = []
    @Option(name: .customLong("negative-chars"), help: "Characters taken from each --conll file.") var negativeChars = 300_000
    @Option(name: .customLong("obo"), help: ArgumentHelp("OBO ontology (HPO) whose term names, synonyms and definitions are negatives; repeatable.", valueName: "path"))
    var obo: [String] = []
    @Option(name: .customLong("obo-chars"), help: "Characters taken from each --obo file.") var oboChars = 200_000
    @Option(name: .customLong("plain-chars"), help: "Characters taken from each --plain file.") var plainChars = 50_000
    @Option(name: .customLong("vocabulary"), help: ArgumentHelp("PHI-free text (any format) whose lower-case words and Chinese character pairs form the model's vocabulary; `PATH@N` skips the first N characters; repeatable.", valueName: "path"))
    var vocabulary: [String] = []
    @Option(name: .customLong("vocabulary-words"), help: ArgumentHelp("Word list (one per line, e.g. a WordPiece vocab.txt) whose lower-case words join the vocabulary; repeatable.", valueName: "path"))
    var vocabularyWords: [String] = []
    @Option(name: .customLong("vocabulary-min-count"), help: "Occurrences a word or pair needs to enter the vocabulary.") var vocabularyMinCount = 2
    @Option(help: "Copies of each annotated note with its names and cities swapped for random ones (mention replacement).") var augment = 0
    @Option(help: "Training passes.") var epochs = 8
    @Option(help: "log2 of the number of feature buckets.") var bits = 18
    @Option(help: "Output model file.") var out: String
    @Option(help: "Compare the trained model with this file byte for byte and fail if they differ.") var check: String?

    func run() throws {
        guard !gold.isEmpty else { throw ValidationError("--gold: at least one annotated file is needed") }
        guard (10...24).contains(bits) else { throw ValidationError("--bits must be in 10...24") }
        func read(_ path: String) throws -> String {
            guard let d = FileManager.default.contents(atPath: path), let s = String(data: d, encoding: .utf8) else {
                throw ValidationError("cannot read \(path) as UTF-8")
            }
            return s
        }
        var docs: [GoldDocument] = []
        var golds: [GoldDocument] = []
        var spans = 0
        for path in gold {
            let d = try Evaluator.loadMarkup(try read(path))
            golds += d; spans += d.reduce(0) { $0 + $1.spans.count }
            print("gold      \((path as NSString).lastPathComponent): \(d.count) documents")
        }
        let copies = TaggerTrainer.augmented(golds, copies: augment)
        if augment > 0 { print("augmented: \(copies.count) copies with names and cities replaced") }
        docs = copies + golds
        for path in conll {
            let d = TaggerTrainer.conllDocuments(try read(path), limit: negativeChars)
            docs += d
            print("negatives \((path as NSString).lastPathComponent): \(d.count) documents")
        }
        for path in obo {
            let d = TaggerTrainer.oboDocuments(try read(path), limit: oboChars)
            docs += d
            print("negatives \((path as NSString).lastPathComponent): \(d.count) documents")
        }
        for path in plain {
            let d = TaggerTrainer.plainDocuments(try read(path), skip: plainSkip, limit: plainChars)
            docs += d
            print("negatives \((path as NSString).lastPathComponent): \(d.count) documents")
        }
        let start = Date()
        var texts: [String] = []
        for spec in vocabulary {
            var path = spec, skip = 0
            if let at = spec.lastIndex(of: "@"), let n = Int(spec[spec.index(after: at)...]) { path = String(spec[..<at]); skip = n }
            texts += TaggerTrainer.plainDocuments(try read(path), skip: skip, limit: Int.max).map(\.text)
        }
        var vocab = TaggerVocabulary.build(texts: texts, minimumCount: vocabularyMinCount)
        for path in vocabularyWords { vocab.addWords(try read(path)) }
        if !vocabulary.isEmpty { print("vocabulary: \(vocab.count) words and character pairs from \(texts.count) lines") }
        let (model, _) = TaggerTrainer.train(docs, vocabulary: vocab, bits: bits, epochs: epochs) { epoch, mistakes, tokens in
            print(String(format: "epoch %2d: %6d mistakes in %d tokens (%.2f%%)", epoch, mistakes, tokens, 100 * Double(mistakes) / Double(max(tokens, 1))))
        }
        let bytes = model.serialized()
        print(String(format: "trained on %d documents (%d PHI spans) in %.1f s; model %d bytes", docs.count, spans, Date().timeIntervalSince(start), bytes.count))
        if let check {
            guard let old = FileManager.default.contents(atPath: check) else { throw ValidationError("--check: cannot read \(check)") }
            guard [UInt8](old) == bytes else { throw ValidationError("--check: the retrained model differs from \(check)") }
            print("identical to \(check)")
        }
        try Data(bytes).write(to: URL(fileURLWithPath: out), options: .atomic)
    }
}

import ArgumentParser
import Foundation
import MedForgeCorpus
import MedForgeDeid

struct CorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "corpus", abstract: "Build private training corpora.",
                                                     subcommands: [CorpusBuildCommand.self])
}

/// `medforge corpus build --in PATH... --out DIR [--dp-column col:lo:hi:eps[:mech]]... [--dp-budget E] [--hpo hp.obo] [--icd10 XML] [--mesh XML|JSON]...`
struct CorpusBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Ingest (JSONL, text, CSV, FHIR, MEDLINE XML) -> de-identify -> DP -> dedup -> augment -> chat JSONL + dataset card. Resumable.")

    @Option(name: .customLong("in"), parsing: .upToNextOption, help: "Input files or directories.") var inputs: [String]
    @Option(name: .customLong("out"), help: "Output directory (train.jsonl, validation.jsonl, rejects.jsonl, DATASET_CARD.md, checkpoint.json).") var output: String
    @Option(help: "Input format: auto, jsonl, text, csv, fhir, medline.") var format: String = "auto"
    @Option(help: "De-identification mode: tag, mask, surrogate, hash.") var mode: String = "surrogate"
    @Option(help: "Language: en, zh, auto.") var lang: String = "auto"
    @OptionGroup var tagger: TaggerArguments
    @Option(name: .customLong("key-file"), help: "Corpus key for surrogates.") var keyFile: String?
    @Option(name: .customLong("dp-column"), help: "DP for a numeric column: name:lower:upper:epsilon[:laplace|gaussian]. Repeatable.") var dpColumns: [String] = []
    @Option(name: .customLong("dp-budget"), help: "Total epsilon; columns beyond it are refused.") var dpBudget: Double = 1.0
    @Option(help: "HPO hp.obo for synonym augmentation.") var hpo: String?
    @Option(help: "ICD-10-CM tabular XML for synonym augmentation (descriptions ~ inclusion terms).") var icd10: String?
    @Option(help: "MeSH descriptors for synonym augmentation: MEDLINE XML (.xml, .xml.gz) or PubMedQA JSON. Repeatable.") var mesh: [String] = []
    @Option(help: "Validation fraction.") var validation: Double = 0.05
    @Option(name: .customLong("near-dup"), help: "MinHash Jaccard threshold for near duplicates.") var nearDup: Double = 0.8

    func validate() throws {
        guard IngestFormat(rawValue: format) != nil else { throw ValidationError("--format must be one of \(IngestFormat.allCases.map(\.rawValue))") }
        guard ReplacementMode(rawValue: mode) != nil, DeidLanguage(rawValue: lang) != nil else { throw ValidationError("--mode or --lang not recognised") }
    }

    func run() throws {
        var o = CorpusOptions()
        o.inputs = inputs
        o.outputDirectory = output
        o.format = IngestFormat(rawValue: format) ?? .auto
        o.deid = DeidOptions(language: DeidLanguage(rawValue: lang) ?? .auto, mode: ReplacementMode(rawValue: mode) ?? .surrogate)
        try tagger.apply(to: &o.deid)
        o.key = try DeidCommand.loadKey(keyFile)
        o.dpColumns = try dpColumns.map { try DPColumn(spec: $0) }
        o.dpBudget = dpBudget
        o.validationFraction = validation
        o.nearDuplicateThreshold = nearDup
        if let hpo {
            guard let data = FileManager.default.contents(atPath: hpo), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("--hpo: cannot read \(hpo)")
            }
            o.synonyms = SynonymTable.loadOBO(text)
        }
        if let icd10 {
            guard let data = FileManager.default.contents(atPath: icd10), let text = String(data: data, encoding: .utf8) else {
                throw ValidationError("--icd10: cannot read \(icd10)")
            }
            o.synonyms = SynonymTable.loadICD10CM(text, into: o.synonyms ?? SynonymTable())
        }
        if !mesh.isEmpty {
            var table = o.synonyms ?? SynonymTable()
            for path in mesh {
                do { table.addMeSH(try SynonymTable.meshDescriptors(path: path)) } catch { throw ValidationError("--mesh: \(error)") }
            }
            o.synonyms = table
        }
        let tty = isatty(2) == 1
        o.progress = { n in if tty { FileHandle.standardError.write(Data("\rcorpus: \(n) records".utf8)) } }
        let stats = try CorpusBuilder(options: o).run()
        if tty { FileHandle.standardError.write(Data("\n".utf8)) }
        print("corpus: records=\(stats.records) train=\(stats.train) validation=\(stats.validation) augmented=\(stats.augmented) rejected=\(stats.rejected) exact-dup=\(stats.exactDuplicates) near-dup=\(stats.nearDuplicates) dp-values=\(stats.dpValues)")
        print("corpus: card at \((output as NSString).appendingPathComponent("DATASET_CARD.md"))")
    }
}

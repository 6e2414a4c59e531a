import ArgumentParser
import Foundation
import MedForgeDeid

/// Recall/precision per entity type on presidio-research synthetic PII and on the generated sets.
struct DeidEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deid-eval",
        abstract: "Evaluate PHI detection: presidio synth_dataset_v2.json plus generated English-clinical and Chinese sets.")

    @Option(help: "Path to presidio_synth/synth_dataset_v2.json (skipped when absent).") var data: String?
    @Option(name: .customLong("gold"), help: ArgumentHelp("Hand-annotated notes (`{{TYPE|surface}}` markup, documents separated by `=====`); repeatable.", valueName: "path"))
    var gold: [String] = []
    @Option(help: "Documents per generated set (generated from templates, not real notes).") var count: Int = 1000
    @Option(name: .customLong("min-age"), help: "Ages at or above this are PHI.") var minAge: Int = 90
    @OptionGroup var tagger: TaggerArguments

    func run() throws {
        var options = DeidOptions(minimumAge: minAge)
        try tagger.apply(to: &options)
        let deid = Deidentifier(options: options, key: Array("medforge-eval".utf8))
        if let data {
            guard let bytes = FileManager.default.contents(atPath: data) else { throw ValidationError("--data: cannot read \(data)") }
            let docs = try Evaluator.loadPresidio(bytes)
            print(Evaluator.evaluate(docs, deid: deid, excluded: Evaluator.presidioNonPHI)
                .table(title: "presidio synth_dataset_v2 (generic PII, not clinical; AGE gold marks all ages, we flag >= \(minAge))"))
            // Safe Harbor: countries and states, ages under 90 and bare years are not PHI; their spans are reported apart.
            print(Evaluator.evaluate(Evaluator.safeHarbor(docs), deid: deid, excluded: Evaluator.presidioNonPHI)
                .table(title: "presidio synth_dataset_v2, Safe Harbor policy (GPE = places smaller than a state; AGE >= 90; DATE_TIME without bare years)"))
        }
        for path in gold {
            guard let bytes = FileManager.default.contents(atPath: path), let source = String(data: bytes, encoding: .utf8) else {
                throw ValidationError("--gold: cannot read \(path) as UTF-8")
            }
            let docs = try Evaluator.loadMarkup(source)
            print(Evaluator.evaluate(docs, deid: deid).table(title: "hand-annotated \((path as NSString).lastPathComponent)"))
        }
        print(Evaluator.evaluate(SyntheticNotes.english(count: count), deid: deid).table(title: "GENERATED English clinical notes (seed 1)"))
        print(Evaluator.evaluate(SyntheticNotes.englishVaried(count: count), deid: deid).table(title: "GENERATED English clinical notes, varied formats (seed 3)"))
        print(Evaluator.evaluate(SyntheticNotes.chinese(count: count), deid: deid).table(title: "GENERATED Chinese clinical records (seed 2)"))
        print(Evaluator.evaluate(SyntheticNotes.chineseVaried(count: count), deid: deid).table(title: "GENERATED Chinese clinical records, varied formats (seed 4)"))
    }
}

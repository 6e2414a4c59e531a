import Foundation
import Testing
@testable import MedForgeCorpus
@testable import MedForgeDeid

func fixturePath(_ name: String) throws -> String {
    try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)).path
}

func tempDir() -> String {
    let p = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
    return p
}

func lines(_ path: String) -> [String] {
    ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
}

struct DifferentialPrivacyTests {
    // Guards the budget ledger: a column that would push spending past the budget is refused and not charged.
    @Test func ledgerRefusesToOverspend() throws {
        var ledger = PrivacyLedger(totalEpsilon: 1.0)
        try ledger.charge("a", epsilon: 0.6)
        #expect(throws: CorpusError.self) { try ledger.charge("b", epsilon: 0.5) }
        #expect(abs(ledger.spentEpsilon - 0.6) < 1e-12)
        let cols = [try DPColumn(name: "x", lower: 0, upper: 1, epsilon: 0.7), try DPColumn(name: "y", lower: 0, upper: 1, epsilon: 0.7)]
        #expect(throws: CorpusError.self) { _ = try DPReleaser(columns: cols, totalEpsilon: 1.0, seed: 1) }
    }

    // Guards that bounds are required and checked.
    @Test func columnsNeedValidBounds() {
        #expect(throws: CorpusError.self) { _ = try DPColumn(name: "x", lower: 5, upper: 5, epsilon: 1) }
        #expect(throws: CorpusError.self) { _ = try DPColumn(spec: "x:0:10") }
    }

    // Guards the noise scales: Laplace mean |noise| = b = Δ/ε, Gaussian sd = Δ·sqrt(2 ln(1.25/δ))/ε, and clamping.
    @Test func noiseMatchesMechanismScale() throws {
        let lap = try DPColumn(name: "v", lower: 0, upper: 10, epsilon: 2)
        var r = try DPReleaser(columns: [lap], totalEpsilon: 2, seed: 7)
        for i in 0..<20000 { _ = r.release(500, column: "v", record: "r\(i)") }   // clamped to 10
        let u = try #require(r.utility["v"])
        #expect(u.clamped == 20000)
        #expect(abs(u.meanAbsError - lap.scale) / lap.scale < 0.05)
        let gauss = try DPColumn(name: "g", lower: 0, upper: 1, epsilon: 1, mechanism: .gaussian, delta: 1e-5)
        var g = try DPReleaser(columns: [gauss], totalEpsilon: 1, seed: 3)
        for i in 0..<20000 { _ = g.release(0.5, column: "g", record: "r\(i)") }
        let gu = try #require(g.utility["g"])
        #expect(abs(gu.rmse - gauss.scale) / gauss.scale < 0.05)
        let unprotected = r.release(1, column: "unprotected", record: "x")
        #expect(unprotected == nil)
    }
}

struct DedupAndAugmentTests {
    // Guards exact and MinHash near-duplicate removal, and that distinct texts pass, with either index.
    @Test(arguments: [false, true])
    func removesExactAndNearDuplicates(onDisk: Bool) throws {
        var d = Deduplicator(threshold: 0.8, index: onDisk ? try DiskDedupIndex(directory: tempDir()) : MemoryDedupIndex())
        let base = (0..<60).map { "word\($0)" }.joined(separator: " ")
        let first = try d.admit(base)
        let exact = try d.admit(base.uppercased())                                  // exact after normalisation
        let near = try d.admit(base.replacingOccurrences(of: "word59", with: "other"))  // one word changed
        let other = try d.admit((0..<60).map { "term\($0)" }.joined(separator: " "))
        #expect(first && !exact && !near && other)
        #expect(d.exactDuplicates == 1 && d.nearDuplicates == 1)
    }

    // Guards the on-disk table through several doublings: every key and every value under a shared key survives.
    @Test func diskHashTableKeepsEveryEntryWhileGrowing() throws {
        let table = try DiskHashTable(path: (tempDir() as NSString).appendingPathComponent("t.idx"), capacity: 8)
        for k in 0..<1000 { try table.insert(key: UInt64(k * 7919), value: UInt64(k)) }
        for v in 0..<5 { try table.insert(key: 42, value: UInt64(10_000 + v)) }   // a bucket of five under one key
        #expect(table.capacity >= 2048 && table.used == 1005)
        for k in stride(from: 1, to: 1000, by: 37) {
            var values: [UInt64] = []
            try table.forEach(key: UInt64(k * 7919)) { values.append($0); return true }
            #expect(values == [UInt64(k)])
        }
        var bucket: [UInt64] = []
        try table.forEach(key: 42) { bucket.append($0); return true }
        #expect(Set(bucket) == Set((0..<5).map { UInt64(10_000 + $0) }))
        var missing = 0
        try table.forEach(key: 123_456_789) { _ in missing += 1; return true }
        #expect(missing == 0)
    }

    // Guards OBO parsing and synonym replacement from a real-format HPO stanza.
    @Test func augmentsWithOBOSynonyms() throws {
        let text = try String(contentsOfFile: try fixturePath("mini.obo"), encoding: .utf8)
        let table = SynonymTable.loadOBO(text)
        let out = try #require(table.augment("History of hypertension, stable.", seed: 0))
        #expect(out == "History of High blood pressure, stable.")
        #expect(table.augment("No matching terms here.", seed: 0) == nil)
    }

    // Guards ICD-10-CM parsing: a description and its inclusion term form one synonym group.
    @Test func augmentsWithICD10InclusionTerms() throws {
        let xml = try String(contentsOfFile: try fixturePath("icd10cm_mini.xml"), encoding: .utf8)
        let table = SynonymTable.loadICD10CM(xml)
        #expect(table.augment("Dx: classical cholera.", seed: 0) == "Dx: Cholera due to Vibrio cholerae 01, biovar cholerae.")
        // The released tabular file ends lines with CRLF, which Swift keeps as one Character.
        let crlf = SynonymTable.loadICD10CM(xml.replacingOccurrences(of: "\n", with: "\r\n"))
        #expect(crlf.augment("Dx: classical cholera.", seed: 0) == "Dx: Cholera due to Vibrio cholerae 01, biovar cholerae.")
    }
}

// MeSH descriptors from MEDLINE XML and PubMedQA, inverted headings, and groups merged across vocabularies.
struct MeSHSynonymTests {
    // Guards the descriptor scan: attributes skipped, entities decoded, each name once.
    @Test func descriptorNamesAreReadFromMedlineXML() {
        let xml = """
        <MeshHeadingList>
        <MeshHeading><DescriptorName MajorTopicYN="Y" UI="D006528">Carcinoma, Hepatocellular</DescriptorName></MeshHeading>
        <MeshHeading><DescriptorName MajorTopicYN="N" UI="D000001">Signs &amp; Symptoms</DescriptorName><QualifierName UI="Q1">diagnosis</QualifierName></MeshHeading>
        <MeshHeading><DescriptorName MajorTopicYN="N" UI="D006528">Carcinoma, Hepatocellular</DescriptorName></MeshHeading>
        </MeshHeadingList>
        """
        #expect(SynonymTable.meshDescriptors(medlineXML: xml) == ["Carcinoma, Hepatocellular", "Signs & Symptoms"])
    }

    // Guards the PubMedQA reader: MESHES lists of every item, each name once.
    @Test func descriptorNamesAreReadFromPubMedQA() throws {
        let json = #"{"2": {"MESHES": ["Humans", "Lymphoma, Non-Hodgkin"]}, "1": {"MESHES": ["Humans"]}, "3": {"QUESTION": "q"}}"#
        #expect(try SynonymTable.meshDescriptors(pubMedQA: Data(json.utf8)) == ["Humans", "Lymphoma, Non-Hodgkin"])
        #expect(throws: CorpusError.self) { try SynonymTable.meshDescriptors(pubMedQA: Data("[1, 2]".utf8)) }
    }

    // Guards the inversion rule, including capitals that must survive and headings that are not inverted.
    @Test(arguments: [
        ("Carcinoma, Hepatocellular", "Hepatocellular carcinoma"),
        ("Diabetes Mellitus, Type 2", "Type 2 diabetes mellitus"),
        ("Lymphoma, Non-Hodgkin", "Non-Hodgkin lymphoma"),
        ("Polymorphism, Single Nucleotide", "Single nucleotide polymorphism"),
    ])
    func invertedHeadingsTurnToNaturalOrder(heading: String, natural: String) {
        #expect(SynonymTable.naturalOrder(heading) == natural)
    }

    @Test func headingsThatAreNotInvertedHaveNoNaturalOrder() {
        #expect(SynonymTable.naturalOrder("Humans") == nil)
        #expect(SynonymTable.naturalOrder("Hypersensitivity, Immediate (Type I), Acute") == nil)
        #expect(SynonymTable.naturalOrder("Receptors, Cell Surface (Human)") == nil)
    }

    // Guards linking: the MeSH heading joins the HPO group with the same words, so the HPO synonym,
    // the natural order and the heading all stand for each other.
    @Test func meshHeadingJoinsTheHPOGroupWithTheSameWords() throws {
        let obo = "[Term]\nid: HP:0001402\nname: Hepatocellular carcinoma\nsynonym: \"Liver cell carcinoma\" EXACT []\n"
        var table = SynonymTable.loadOBO(obo)
        table.addMeSH(["Carcinoma, Hepatocellular", "Humans"])
        let group = Set(try #require(table.groups["liver cell carcinoma"]))
        #expect(group == ["Hepatocellular carcinoma", "Liver cell carcinoma", "Carcinoma, hepatocellular"])
        #expect(table.groups["carcinoma, hepatocellular"].map(Set.init) == group)
        let out = try #require(table.augment("Known carcinoma, hepatocellular since 2019.", seed: 0))
        #expect(out != "Known carcinoma, hepatocellular since 2019." && group.contains { out.contains($0) })
        #expect(table.augment("Humans were studied.", seed: 0) == nil)   // a heading with no equivalent adds no copy
    }

    // Guards merging: a term in both HPO and ICD-10 keeps both vocabularies' synonyms (no overwrite).
    @Test func aTermInTwoVocabulariesKeepsBothGroups() throws {
        let obo = "[Term]\nid: HP:1\nname: Classical cholera\nsynonym: \"Asiatic cholera\" EXACT []\n"
        let xml = try String(contentsOfFile: try fixturePath("icd10cm_mini.xml"), encoding: .utf8)
        let table = SynonymTable.loadICD10CM(xml, into: SynonymTable.loadOBO(obo))
        let group = try #require(table.groups["asiatic cholera"])
        #expect(group.contains("Cholera due to Vibrio cholerae 01, biovar cholerae") && group.contains("Asiatic cholera"))
    }
}

struct IngestTests {
    func records(_ name: String) throws -> [CorpusRecord] {
        var out: [CorpusRecord] = []
        try Ingest.read(try fixturePath(name), format: .auto, reject: { _, _ in }) { out.append($0); return true }
        return out
    }

    // Guards CSV quoting and numeric-field extraction (DP candidates).
    @Test func csvRowsBecomeRecordsWithNumericFields() throws {
        let r = try records("observations.csv")
        #expect(r.count == 2)
        #expect(r[1].text.contains("Weight, measured") && r[1].numeric.first?.0 == "VALUE" && r[1].numeric.first?.1 == 3.9)
    }

    // Guards column-aware PHI: values in name/address/ZIP/coordinate columns are marked PHI, not text or DP numbers.
    @Test func csvPHIColumnsAreMarkedWhole() throws {
        var out: [CorpusRecord] = []
        try Ingest.read(try fixturePath("patients.csv"), format: .auto, reject: { _, _ in }) { out.append($0); return true }
        let r = try #require(out.first)
        #expect(Set(r.phiFields.map(\.0)) == ["FIRST", "LAST", "CITY", "ZIP", "LAT", "BIRTHDATE"])
        #expect(!r.text.contains("Luis88") && r.numeric.map(\.0) == ["HEALTHCARE_EXPENSES"])
    }

    // Guards FHIR bundle entries (Patient name, Observation value) and MEDLINE title/abstract extraction.
    @Test func fhirAndMedlineAreRead() throws {
        let f = try records("bundle.json")
        #expect(f.count == 2 && f[0].text.contains("Autumn Russel") && f[1].numeric.first?.1 == 80.5)
        let m = try records("medline.xml")
        #expect(m.count == 1 && m[0].title == "Seizure outcomes" && m[0].id == "pmid:123")
        let legacy = try records("medline_citationset.xml")   // MedlineCitationSet layout (medline16n*.xml)
        #expect(legacy.count == 1 && legacy[0].text.contains("aspirin"))
    }
}

struct CorpusBuilderTests {
    func options(_ out: String) throws -> CorpusOptions {
        var o = CorpusOptions()
        o.inputs = [try fixturePath("notes.jsonl"), try fixturePath("observations.csv")]
        o.outputDirectory = out
        o.key = Array("k".utf8)
        o.deid = DeidOptions(mode: .tag)
        o.dpColumns = [try DPColumn(name: "VALUE", lower: 0, upper: 200, epsilon: 0.5)]
        o.synonyms = SynonymTable.loadOBO(try String(contentsOfFile: try fixturePath("mini.obo"), encoding: .utf8))
        o.validationFraction = 0.2
        o.batchSize = 8
        return o
    }

    func exported(_ dir: String) -> [String] {
        (lines(dir + "/train.jsonl") + lines(dir + "/validation.jsonl")).compactMap { l in
            guard let o = try? JSONSerialization.jsonObject(with: Data(l.utf8)) as? [String: Any], o["augmented"] as? Bool == false else { return nil }
            return o["id"] as? String
        }
    }

    // Guards the whole pipeline: PHI gone, duplicate dropped, DP applied, card written with counts and budget.
    @Test func buildsDeidentifiedSplitCorpusWithCard() throws {
        let dir = tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let stats = try CorpusBuilder(options: try options(dir)).run()
        #expect(stats.records == 43 && stats.exactDuplicates == 1)
        #expect(stats.train + stats.validation == 42 && stats.validation > 0 && stats.augmented > 0)
        let all = (lines(dir + "/train.jsonl") + lines(dir + "/validation.jsonl")).joined()
        #expect(!all.contains("Kowalski") && !all.contains("49.2") && !all.contains("notes.jsonl"))
        let card = try String(contentsOfFile: dir + "/DATASET_CARD.md", encoding: .utf8)
        #expect(card.contains("| NAME |") && card.contains("spent 0.5"))
    }

    // Guards resumability: a build stopped mid-way and restarted exports every record exactly once.
    @Test func resumedBuildLosesAndDuplicatesNothing() throws {
        let once = tempDir(), twice = tempDir()
        defer { try? FileManager.default.removeItem(atPath: once); try? FileManager.default.removeItem(atPath: twice) }
        try CorpusBuilder(options: try options(once)).run()
        var first = try options(twice)
        first.stopAfter = 16
        try CorpusBuilder(options: first).run()
        // Simulate a kill mid-batch: junk appended after the checkpoint must be discarded.
        if let h = FileHandle(forWritingAtPath: twice + "/train.jsonl") { try h.seekToEnd(); try h.write(contentsOf: Data("{\"partial\n".utf8)); try h.close() }
        #expect(exported(twice).count < exported(once).count)
        let resumed = try CorpusBuilder(options: try options(twice)).run()
        #expect(resumed.exactDuplicates == 1 && resumed.records == 43)
        let a = exported(once), b = exported(twice)
        #expect(Set(a) == Set(b) && b.count == Set(b).count && a.count == 42)
    }

    // Guards the compact checkpoint for folders of notes: finished files are counted, not listed, the
    // on-disk dedup index is gone once the build is finished, and a resumed build still loses nothing.
    @Test func folderBuildCheckpointsFilesByCountAndResumes() throws {
        let notes = tempDir(), out = tempDir()
        defer { try? FileManager.default.removeItem(atPath: notes); try? FileManager.default.removeItem(atPath: out) }
        for i in 0..<7 {
            try "Visit \(i): chest pain resolved after rest; follow-up \(i * 13 + 5) days; plan number \(i).".write(
                toFile: notes + "/note\(i).txt", atomically: true, encoding: .utf8)
        }
        var o = CorpusOptions()
        o.inputs = [notes]; o.outputDirectory = out; o.key = Array("k".utf8); o.deid = DeidOptions(mode: .tag)
        o.batchSize = 1; o.stopAfter = 3; o.validationFraction = 0
        try CorpusBuilder(options: o).run()
        let cp = try JSONDecoder().decode(Checkpoint.self, from: try Data(contentsOf: URL(fileURLWithPath: out + "/checkpoint.json")))
        #expect(cp.filesDone == 2 && cp.done.count == 1 && !cp.finished)   // stopped inside the third file
        #expect(FileManager.default.fileExists(atPath: out + "/dedup-index"))
        o.stopAfter = nil
        let stats = try CorpusBuilder(options: o).run()
        #expect(stats.records == 7 && exported(out).count == 7 && Set(exported(out)).count == 7)
        #expect(!FileManager.default.fileExists(atPath: out + "/dedup-index"))
    }
}

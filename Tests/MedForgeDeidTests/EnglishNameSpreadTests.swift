import Testing
@testable import MedForgeDeid

// Document-level name rules: repeated mentions of a found name, and names coordinated with one.
struct EnglishNameSpreadTests {
    // These tests pin down the rules; the statistical tagger is tested in TaggerTests.
    let deid = Deidentifier(options: DeidOptions(language: .en, tagger: false), key: Array("test".utf8))

    func names(_ text: String) -> [String] {
        let s = Array(text.unicodeScalars)
        return deid.detect(text).spans.filter { $0.type == .name }.map { String(String.UnicodeScalarView(s[$0.start..<$0.end])) }
    }

    // Guards name-repeat: the bare surname later in the note is replaced too, not left behind.
    @Test func aSurnameFoundOnceIsFoundAgainLaterInTheNote() {
        let found = names("Seen by Dr. Oskar Vintergaard on rounds.\nPlan agreed; Vintergaard will call the ward.")
        #expect(found.contains("Oskar Vintergaard"), "\(found)")
        #expect(found.contains("Vintergaard"), "\(found)")
    }

    // Guards name-repeat precision: a word the note also writes in lower case is ordinary English.
    @Test func aRepeatedWordAlsoWrittenInLowerCaseIsNotANameAgain() {
        let found = names("Spoke with Ingrid Baker today.\nBaker reviewed; the baker was not present.")
        #expect(!found.contains("Baker"), "\(found)")
    }

    // Guards name-repeat precision: an eponymous term keeps its meaning even when the surname is a name elsewhere.
    @Test func aRepeatedSurnameInsideAnEponymIsNotFlagged() {
        let found = names("Seen by Dr. Ilse Babinski today.\nExam: Babinski sign absent.")
        #expect(!found.contains("Babinski"), "\(found)")
    }

    // Guards name-coordination: a surname joined by `and` to a found name.
    @Test(arguments: [
        ("Consent witnessed by Dr. Petra Lindqvist and Okonkwo.", "Okonkwo"),
        ("Visitors: Margaret, Tove, Ilkka and Siobhan.", "Tove"),
        ("Questions from Quarshie and Hannah were answered.", "Quarshie"),
    ])
    func aWordCoordinatedWithAFoundNameIsAName(text: String, expected: String) {
        #expect(names(text).contains { $0 == expected || $0.contains(expected) }, "\(names(text))")
    }

    // Guards surname-pair: two listed surnames joined by `and` are two people; eponymous grades and
    // hyphenated or capitalised continuations are not.
    @Test func twoSurnamesJoinedByAndAreNamesUnlessATermFollows() {
        let found = names("The scans were read by Thornton and Whitaker yesterday.")
        #expect(found.contains("Thornton") && found.contains("Whitaker"), "\(found)")
        let grade = names("Tumours were Edmondson and Steiner's grade II.")
        #expect(!grade.contains("Steiner"), "\(grade)")
        let foundation = names("Funded by the Carter and Hughes Foundation.")
        #expect(!foundation.contains("Hughes"), "\(foundation)")
    }

    // Guards name-coordination precision: terms, places, citations and clinical words next to a name stay.
    @Test(arguments: [
        "Dr. Ruth Ames noted Diagnostic and Statistical Manual criteria.",
        "Mary commutes between Chicago and Tartu.",
        "As shown by Chen and Okafor, 2011, rates fell.",
        "Margaret and Foley catheter care were reviewed.",
        "John and Parkinson disease education given.",
        "Lens power used the Zeltner, Anna Q formula.",
    ])
    func wordsNextToANameThatAreNotNamesStayUnflagged(text: String) {
        let found = names(text)
        for word in ["Statistical", "Tartu", "Chicago", "Okafor", "Foley", "Parkinson", "Zeltner"] {
            #expect(!found.contains { $0.contains(word) }, "\(word) in \(found)")
        }
    }
}

// Precision of the single-word dictionary rules on clinical and scientific wording.
struct EnglishDictionaryPrecisionTests {
    // These tests pin down the rules; the statistical tagger is tested in TaggerTests.
    let deid = Deidentifier(options: DeidOptions(language: .en, tagger: false), key: Array("test".utf8))

    func found(_ text: String) -> [(String, PHIType)] {
        let s = Array(text.unicodeScalars)
        return deid.detect(text).spans.map { (String(String.UnicodeScalarView(s[$0.start..<$0.end])), $0.type) }
    }

    // Guards surname-dict and first-name-dict: eponyms, antigens, hyphen compounds, countries and two-letter words stay.
    @Test(arguments: [
        ("On exam a positive Hawkins sign was noted.", "Hawkins"),
        ("History of anti Kell alloimmunization in pregnancy.", "Kell"),
        ("Pearson's Chi-square test was used.", "Chi"),
        ("Omega-3 supplements were continued.", "Omega"),
        ("She was born in England and moved here.", "England"),
        ("Exercise testing of peak Vo uptake was done.", "Vo"),
    ])
    func clinicalTermsThatLookLikeNamesAreNotNames(text: String, word: String) {
        #expect(!found(text).contains { $0.0.contains(word) && $0.1 == .name }, "\(found(text))")
    }

    // Guards org-suffix: a lone `Inc.` after a comma is not an organisation of its own.
    @Test func aLoneIncorporatedSuffixIsNotAnOrganisation() {
        #expect(!found("Kits were bought from a supplier, Inc. in bulk.").contains { $0.0 == "Inc." }, "\(found("Kits were bought from a supplier, Inc. in bulk."))")
        #expect(found("Hill Inc. is the employer on file.").contains { $0.0 == "Hill Inc." && $0.1 == .organization })
    }

    // Guards name rules still firing next to the exclusions above.
    @Test func surnamesAwayFromEponymsAreStillNames() {
        #expect(found("Discussed with Hawkins at the bedside.").contains { $0.0 == "Hawkins" && $0.1 == .name })
    }
}

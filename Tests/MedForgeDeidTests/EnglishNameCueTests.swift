import Testing
@testable import MedForgeDeid

// Name cues: greetings, `named him X`, lower-case titles, subjects of person verbs, relation words.
struct EnglishNameCueTests {
    let deid = Deidentifier(options: DeidOptions(language: .en), key: Array("test".utf8))

    func names(_ text: String) -> [String] {
        let s = Array(text.unicodeScalars)
        return deid.detect(text).spans.filter { $0.type == .name }.map { String(String.UnicodeScalarView(s[$0.start..<$0.end])) }
    }

    // Guards greeting-cue, named-cue, title-cue-lower, person-verb and the added relation words.
    @Test(arguments: [
        ("Hi Oddvar, your results are back.", "Oddvar"),
        ("Dear Rasmina Okello,\nPlease call the clinic.", "Rasmina Okello"),
        ("After the birth they named him Tjorvi.", "Tjorvi"),
        ("spoke with mrs. vantongeren about discharge", "vantongeren"),
        ("Brannagh shouted at the nurse overnight.", "Brannagh"),
        ("Ysolde Marrak said the pain started Tuesday.", "Ysolde Marrak"),
        ("Her kid Tobiah was at the bedside.", "Tobiah"),
        ("Please follow up with Zarema Tulpareva in two weeks.", "Zarema Tulpareva"),
        ("pt to follow up with anna lindqvist next month", "anna lindqvist"),
        ("visitors today: oskar, marit, jonas and ingrid.", "marit"),
    ])
    func namesAfterTheseCuesAreFound(text: String, expected: String) {
        #expect(names(text).contains(expected), "\(names(text))")
    }

    // Guards precision: clinical subjects, groups after greetings, acronyms and terms after cue words.
    @Test(arguments: [
        "Dear Colleague, thank you for the referral.",
        "Echo reported an EF of 40%.",
        "Lasix given; Coumadin held overnight.",
        "Cost per QALY gained was modest.",
        "Pt NPs were measured in the sample.",
        "Also called Boerhaave syndrome in older texts.",
        "Perforation accompanied by Boerhaave syndrome.",
        "Mother Teresa of Calcutta is a saint.",
        "Follow up with Cardiology and PCP in 1 week.",
        "follow up with cardiology in two weeks",
        "Symptoms: nausea, vomiting, fever and chills.",
    ])
    func clinicalAndTechnicalWordsAfterCuesAreNotNames(text: String) {
        let found = names(text)
        for word in ["Colleague", "Echo", "Lasix", "Coumadin", "QALY", "NPs", "Boerhaave", "Cardiology", "cardiology", "PCP", "nausea", "fever", "chills"] {
            #expect(!found.contains { $0.contains(word) }, "\(word) in \(found)")
        }
    }
}

import Testing
@testable import MedForgeDeid

// Names from transcripts, lists, possessives and letterheads; employers from stints and possessives;
// lower-case places after travel verbs. Each rule has clinical look-alikes that must stay unflagged.
struct EnglishDialogueTests {
    let deid = Deidentifier(options: DeidOptions(language: .en), key: Array("test".utf8))

    func found(_ text: String) -> [(String, PHIType)] {
        let s = Array(text.unicodeScalars)
        return deid.detect(text).spans.map { (String(String.UnicodeScalarView(s[$0.start..<$0.end])), $0.type) }
    }
    func names(_ text: String) -> [String] { found(text).filter { $0.1 == .name }.map(\.0) }

    // Guards speaker-label, surname-list, possessor-cue, letterhead-name and the widened introduction cues.
    @Test(arguments: [
        ("Gudvin: Did you take the tablets?\nMargaret: Only in the morning.", "Gudvin"),
        ("yusra: \"any pain?\"\nthomas: \"none today\"", "yusra"),
        ("The practice was set up by three partners: Ozolin, Hughes and Porter.", "Ozolin"),
        ("The practice was set up by three partners: Ozolin, Hughes and Porter.", "Porter"),
        ("We called Teodora's daughter about the results.", "Teodora"),
        ("sent the letter to radovan's address on file", "radovan"),
        ("Ilkka Vahtera\n\nward clerk\nphone: 0401 555 0199", "Ilkka Vahtera"),
        ("friends of the family call me zdenka", "zdenka"),
        ("Her maiden name is Clark.", "Clark"),
        ("After the wedding they named him Frank.", "Frank"),
        ("Please add ms. Ottoline to the visitor list.", "Ottoline"),
        ("visitors: ruth, adam, mikkel, chad and josefine", "mikkel"),
    ])
    func namesInTheseContextsAreFound(text: String, expected: String) {
        #expect(names(text).contains(expected), "\(found(text))")
    }

    // Guards precision: headers, compass lists, eponym lists, ordinary possessives and clinical first lines.
    @Test(arguments: [
        "Plan: continue Lasix.\nAllergies: none known.\nDiet: regular.",
        "Rates differed between West, North and Southeast regions.",
        "Features of Graves, Addison and Cushing diseases were reviewed.",
        "We spoke with the patient's daughter and the nurse's husband.",
        "Discharge Summary\n\nAdmitted with chest pain; phone follow-up arranged at 555-0199.",
        "Please call me tomorrow about the results.",
        "She reached the rank of professor. Using the new tool she reviewed charts.",
        "Parkinson's disease and Crohn's disease were both excluded.",
    ])
    func clinicalLookAlikesStayUnflagged(text: String) {
        #expect(names(text).isEmpty, "\(found(text))")
    }

    // Guards employment-cue and possessive-employer, and that ages and abbreviations after `years at` stay.
    @Test(arguments: [
        ("She spent a year at Quillfeather as a data analyst.", "Quillfeather"),
        ("He did his residency at Harrowby General before moving.", "Harrowby"),
        ("The award went to Brightwell's John Petersen this spring.", "Brightwell"),
    ])
    func employersInTheseContextsAreFound(text: String, expected: String) {
        #expect(found(text).contains { $0.0 == expected && ($0.1 == .organization || $0.1 == .hospital) }, "\(found(text))")
    }

    @Test func agesAndAbbreviationsAfterYearsAtAreNotEmployers() {
        #expect(!found("Cases aged 35-74 years at PCa diagnosis were included.").contains { $0.1 == .organization })
        #expect(!found("She spent a year at Boston before returning.").contains { $0.1 == .organization })
    }

    // Guards place-cue-lower: a lower-case gazetteer town after a travel verb; common words stay.
    @Test func lowerCaseTownsAfterTravelVerbsAreCities() {
        #expect(found("pt returned to hamburg by train last week").contains { $0.0 == "hamburg" && $0.1 == .city })
        #expect(!found("pt returned to baseline by the evening").contains { $0.1 == .city })
        #expect(!found("she moved to bed without help").contains { $0.1 == .city })
    }

    // Guards the Safe Harbor scoring: ages under 90 and bare years are retyped, full dates and ages over 89 stay.
    @Test func safeHarborScoringRetypesAgesUnder90AndBareYears() {
        let text = "Aged 45 in 1977, aged 92 on 3/4/1981."
        let s = Array(text.unicodeScalars)
        func span(_ sub: String, _ type: String) -> GoldSpan {
            let u = Array(sub.unicodeScalars)
            let a = (0...(s.count - u.count)).first { Array(s[$0..<$0 + u.count]) == u } ?? 0
            return GoldSpan(start: a, end: a + u.count, type: type)
        }
        let doc = GoldDocument(text: text, spans: [span("45", "AGE"), span("1977", "DATE_TIME"), span("92", "AGE"), span("3/4/1981", "DATE_TIME")])
        let types = Evaluator.safeHarbor([doc])[0].spans.map(\.type)
        #expect(types == [Evaluator.ageUnder90Type, Evaluator.yearOnlyType, "AGE", "DATE_TIME"])
        #expect(Evaluator.presidioNonPHI.isSuperset(of: [Evaluator.ageUnder90Type, Evaluator.yearOnlyType]))
    }
}

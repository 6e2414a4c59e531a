import Testing
@testable import MedForgeDeid

// Organisations found by context: lists with a found firm, affiliations, definitions, `address of`.
struct EnglishOrganisationContextTests {
    // These tests pin down the rules; the statistical tagger is tested in TaggerTests.
    let deid = Deidentifier(options: DeidOptions(language: .en, tagger: false), key: Array("test".utf8))

    func found(_ text: String) -> [(String, PHIType)] {
        let s = Array(text.unicodeScalars)
        return deid.detect(text).spans.map { (String(String.UnicodeScalarView(s[$0.start..<$0.end])), $0.type) }
    }

    // Guards org-list, affiliation, firm-definition and address-of.
    @Test(arguments: [
        ("Her employers were Quandrel, Harbison Logistics LLC and Tessaly Works.", "Quandrel"),
        ("Her employers were Quandrel, Harbison Logistics LLC and Tessaly Works.", "Tessaly Works"),
        ("Collateral from Dr. Ames of Brightwater Vantage this morning.", "Brightwater Vantage"),
        ("Veyrona is a logistics company based near the port.", "Veyrona"),
        ("He gave the address of Corvell Systems as his workplace.", "Corvell Systems"),
        ("Collateral from Ingrid Solheim from Tarrowby Freight this morning.", "Tarrowby Freight"),
        ("Family meeting set at Halvane, 418 Orchard Street on Monday.", "Halvane"),
        ("She phoned the Brekkon office about the leave form.", "Brekkon"),
        ("Injured at the Harrowgate Country Club on Saturday.", "Harrowgate Country Club"),
        ("Honourees included Ingrid Solheim of Tarrowby Freight and two others.", "Tarrowby Freight"),
    ])
    func organisationsNamedByContextAreFound(text: String, expected: String) {
        #expect(found(text).contains { $0.0 == expected && $0.1 == .organization }, "\(found(text))")
    }

    // Guards precision: manuals, boards, places in lists and clinical definitions stay unflagged.
    @Test(arguments: [
        "Met Diagnostic and Statistical Manual of Mental Disorders criteria.",
        "Transferred from Toronto, Acme Holdings Inc and Ottawa.",
        "Lasix is a loop diuretic given twice daily.",
        "Foley is a catheter that was removed today.",
        "The address of the patient was confirmed.",
        "Spoke with Ingrid Solheim from Oslo about the plan.",
        "Maria Lopez is from Texas originally.",
        "Forms are on the WIREs website.",
        "Follow up at the Cardiology office in two weeks.",
        "Plays golf at the Country Club twice a week.",
        "Club foot was corrected in infancy.",
        "Spoke with Ingrid Solheim of Oslo about the plan.",
        "Searched the Cochrane Register of Controlled Trials and Embase.",
    ])
    func contextThatIsNotAnOrganisationIsIgnored(text: String) {
        let spans = found(text)
        for word in ["Mental", "Toronto", "Ottawa", "Lasix", "Foley", "patient", "Oslo", "Texas", "WIREs", "Cardiology", "Club",
                     "Controlled"] {
            #expect(!spans.contains { $0.0.contains(word) && $0.1 == .organization }, "\(word) in \(spans)")
        }
    }
}

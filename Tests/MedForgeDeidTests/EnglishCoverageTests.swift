import Testing
@testable import MedForgeDeid

// Coverage added with the gazetteer, given-name, street, postcode, phone-extension and firm-name rules.
struct EnglishCoverageTests {
    // These tests pin down the rules; the statistical tagger is tested in TaggerTests.
    let deid = Deidentifier(options: DeidOptions(language: .en, tagger: false), key: Array("test".utf8))

    func found(_ text: String) -> [(String, PHIType)] {
        let s = Array(text.unicodeScalars)
        return deid.detect(text).spans.map { (String(String.UnicodeScalarView(s[$0.start..<$0.end])), $0.type) }
    }

    // Guards the GeoNames gazetteer, postcodes next to places, European street order, phone extensions and firm names.
    @Test(arguments: [
        ("She grew up in Lappeenranta and moved here.", "Lappeenranta", PHIType.city),
        ("Transferred from Alcalá de Henares last week.", "Alcalá de Henares", .city),
        ("Visited family in Buenos Aires.", "Buenos Aires", .city),
        ("He grew up in Remniku before moving.", "Remniku", .city),
        ("She is originally from Marindia.", "Marindia", .city),
        ("Returned from OULU, Finland 80896 yesterday.", "80896", .zip),
        ("Mail: Aalborg NO 9100", "9100", .zip),
        ("Her sister lives in Costamezzana 43015 now.", "43015", .zip),
        ("Address on file:\n20789 Allika 46\nSuite 501", "20789 Allika 46\nSuite 501", .address),
        ("Mail to 5586 Main Street, Arnsdorf, Germany today.", "5586 Main Street, Arnsdorf, Germany", .address),
        ("Lives at 704 1436 Redbud Drive Apt 2 Suite 3 now.", "704 1436 Redbud Drive Apt 2 Suite 3", .address),
        ("Mail: PSC 0413, Box 8144", "PSC 0413, Box 8144", .address),
        ("Desk: +41 (0)96 471 07 95 today", "+41 (0)96 471 07 95", .phone),
        ("Fax: 345-899-3560 x 4587 anytime", "345-899-3560 x 4587", .fax),
        ("Fax: 345-899-3560x4587 anytime", "345-899-3560x4587", .fax),
        ("Desk: (898)666-3621x0135 today", "(898)666-3621x0135", .phone),
        ("Call 617-555-0123 ext. 12 after noon.", "617-555-0123 ext. 12", .phone),
        ("Employer is Davis, Reynolds and Williamson downtown.", "Davis, Reynolds and Williamson", .organization),
        ("Discussed with Hanne I. Kreutzmann today.", "Hanne I. Kreutzmann", .name),
        ("Directed by: Szabina J Gelencsér", "Szabina J Gelencsér", .name),
        ("Šárka Ottová called back.", "Šárka Ottová", .name),
        ("Spoke with Tomomi Nishiyama about the results.", "Tomomi Nishiyama", .name),
        ("I work for Ellis-Ingram now.", "Ellis-Ingram", .organization),
        ("He worked for Roche Diagnostics GmbH until May.", "Roche Diagnostics GmbH", .organization),
    ])
    func placesPostcodesStreetsAndPhonesAreFound(text: String, expected: String, type: PHIType) {
        #expect(found(text).contains { $0.0 == expected && $0.1 == type }, "\(found(text))")
    }

    // Guards precision: acronyms, eponymous terms, countries, states and lettered terms are not PHI.
    @Test(arguments: [
        "Drug-induced liver injury (DILI) was rare.",
        "Serum IgA levels were normal.",
        "Risk was estimated with the Framingham Heart Study equation.",
        "An outbreak of Norwalk virus was reported.",
        "The trial enrolled patients in Italy and Texas.",
        "Most participants were born in Latin America.",
        "Studies based in TTT programs were pooled.",
        "Doses of 12 Weeks 3 were given.",
        "Lot 2021-11-3x5 was used.",
        "Rates rose in NHANES 2005 and in Cohort 1990.",
        "Eyes were measured with the ACMaster device.",
        "Figure 2 Panel 3 shows the curve.",
        "Type A Behavior was common; Hepatitis B Virus was absent.",
    ])
    func termsThatLookLikePlacesAreNotFlagged(text: String) {
        #expect(!found(text).contains { [.city, .zip, .address, .name].contains($0.1) }, "\(found(text))")
    }

    // Guards postcodes: a decimal after a place name is a rate, not a ZIP, though the place itself is reported.
    @Test func decimalAfterPlaceIsNotAPostcode() {
        let spans = found("Incidence in Brindisi 160.4 (95% CI) was high.")
        #expect(spans.contains { $0.0 == "Brindisi" && $0.1 == .city })
        #expect(!spans.contains { $0.1 == .zip })
        #expect(!found("We searched the Cochrane Library.").contains { $0.1 == .city })
    }

    // Guards the Safe Harbor place policy in evaluation: a country is retyped, a city keeps GPE.
    @Test func presidioCountrySpansAreRetypedAndCitySpansKept() {
        let doc = GoldDocument(text: "From Estonia to Tartu.", spans: [
            GoldSpan(start: 5, end: 12, type: "GPE"), GoldSpan(start: 16, end: 21, type: "GPE"),
        ])
        let types = Evaluator.retypingRegions([doc])[0].spans.map(\.type)
        #expect(types == [Evaluator.regionType, "GPE"])
    }
}

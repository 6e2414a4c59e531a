import Testing
@testable import MedForgeDeid

// Address grammar: street corners, lower-case streets, hyphenated street names and the recipient
// lines above an address block.
struct EnglishAddressBlockTests {
    let deid = Deidentifier(options: DeidOptions(language: .en), key: Array("test".utf8))

    func found(_ text: String) -> [(String, PHIType)] {
        let s = Array(text.unicodeScalars)
        return deid.detect(text).spans.map { (String(String.UnicodeScalarView(s[$0.start..<$0.end])), $0.type) }
    }

    // Guards street-corner, street-lower-case and hyphenated numbered streets.
    @Test(arguments: [
        ("Found down at the corner of Halsted 210 and Wexford Lane yesterday.", "the corner of Halsted 210 and Wexford Lane"),
        ("EMS picked him up at the corner of 14 Birchmoor Rd. and Quillan Way.", "the corner of 14 Birchmoor Rd. and Quillan Way."),
        ("new address: 4411 ninth avenue suite 20", "4411 ninth avenue suite 20"),
        ("mailing to 87 kettleby road today", "87 kettleby road"),
        ("Sent to 20114 Saare-Vilja 12 last week.", "20114 Saare-Vilja 12"),
        ("Her flat is on Brunnecker Strasse 41 now.", "Brunnecker Strasse 41"),
        ("He rents a room on 12 rue de Vauclin street.", "12 rue de Vauclin street"),
        ("Drop-off point: 4410 Bakkelund 220 St. by the kiosk.", "4410 Bakkelund 220 St."),
        ("??? 30115 Lindholmen 44", "30115 Lindholmen 44"),
    ])
    func streetsWrittenAsCornersOrInLowerCaseAreAddresses(text: String, expected: String) {
        #expect(found(text).contains { $0.0 == expected && $0.1 == .address }, "\(found(text))")
    }

    // Guards precision of the street rules on clinical phrasing.
    @Test(arguments: [
        "Small ulcer at the corner of the mouth and on the lip.",
        "Lesion at corner of mouth and eye unchanged.",
        "Walked 5 miles down the road without dyspnea.",
        "Takes 2 tabs before the drive home.",
        "Given 40 mg per day for 3 days.",
        "Found lying on the street at 3 am.",
        "Fell at home on 2 steps near the road.",
        "Dose 12 Units 3 St. John's wort was stopped.",
    ])
    func clinicalPhrasesWithCornersAndRoadsAreNotAddresses(text: String) {
        #expect(!found(text).contains { $0.1 == .address }, "\(found(text))")
    }

    // Guards addressBlockEnd: lines behind `???` or `|` markers after a street line stay in the address.
    @Test func markedLinesAfterAStreetBelongToTheAddress() {
        let spans = found("??? 4417 Elmstead Road\n??? Suite 12\n??? Harnwick")
        #expect(spans.contains { $0.0 == "4417 Elmstead Road\n??? Suite 12\n??? Harnwick" && $0.1 == .address }, "\(spans)")
    }

    // Guards recipient-line: the person and firm written above an address block are found.
    @Test func recipientLinesAboveAnAddressAreFound() {
        let text = "Ottilie Vrana\nBrightmoor Analytics\n5120 Kellerman Street\nSuite 4"
        let spans = found(text)
        #expect(spans.contains { $0.0 == "Ottilie Vrana" }, "\(spans)")
        #expect(spans.contains { $0.0 == "Brightmoor Analytics" }, "\(spans)")
    }

    // Guards recipient-line on lower-cased exports: listed names and firms count, a job title does not.
    @Test func lowerCaseRecipientLinesNeedListedNames() {
        let text = "maria olsen\nforklift operator\nwebb, lowe and hartley\n12 crane road suite 9"
        let spans = found(text)
        #expect(spans.contains { $0.0 == "maria olsen" }, "\(spans)")
        #expect(spans.contains { $0.0 == "webb, lowe and hartley" }, "\(spans)")
        #expect(!spans.contains { $0.0.contains("forklift") }, "\(spans)")
    }

    // Guards recipient-line precision: headers, upper-case section titles and prose above an address stay.
    @Test(arguments: [
        "Home address:\n5120 Kellerman Street",
        "DISCHARGE PLANNING\n5120 Kellerman Street",
        "Follow up with social work regarding housing\n5120 Kellerman Street",
    ])
    func headersAboveAnAddressAreNotRecipients(text: String) {
        #expect(!found(text).contains { $0.1 == .name || $0.1 == .organization }, "\(found(text))")
    }
}

// Guards linear time of the document-level and block rules added with the recipient, corner, list,
// repeat and coordination rules: a 1 MB single-line note of their anchors must finish quickly.
struct EnglishContextRulesTimingTests {
    let deid = Deidentifier(options: DeidOptions(language: .en), key: Array("test".utf8))

    @Test(arguments: [
        ["corner of ", "12 ", "Elm ", "and ", "Anna ", "Berg, ", "Acme Inc, ", "Hi ", "Tove ", "from ", "> "],
        ["Anna Berg\n", "> Brightmoor\n", "12 Elm Street\n", "the Veyra office ", "at Halvane, ", "town of Skel "],
    ])
    func megabyteOfRuleAnchorsFinishesQuickly(pieces: [String]) {
        var text = ""
        var k = 0
        while text.utf8.count < 1 << 20 { text += pieces[k % pieces.count]; k += 1 }
        let clock = ContinuousClock()
        let elapsed = clock.measure { _ = deid.detect(text) }
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }
}

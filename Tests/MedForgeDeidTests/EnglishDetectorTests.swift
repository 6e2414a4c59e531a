import Testing
@testable import MedForgeDeid

struct EnglishDetectorTests {
    let deid = Deidentifier(options: DeidOptions(language: .en), key: Array("test".utf8))

    func found(_ text: String) -> [(String, PHIType)] {
        let s = Array(text.unicodeScalars)
        return deid.detect(text).spans.map { (String(String.UnicodeScalarView(s[$0.start..<$0.end])), $0.type) }
    }

    // Guards each Safe Harbor identifier shape the English rules promise to find.
    @Test(arguments: [
        ("Seen by Dr. Kowalski today.", "Kowalski", PHIType.name),
        ("Patient: Maria Gonzalez\nAllergies: none", "Maria Gonzalez", .name),
        ("Discussed with Jane Roe, MD.", "Jane Roe", .name),
        ("His wife Margaret was present.", "Margaret", .name),
        ("pt's son jim called, will visit.", "jim", .name),
        ("Name: Autumn454 Russel238; DOB: 1950-02-03", "Autumn454 Russel238", .name),
        ("Paged covering MD, pager 45123.", "45123", .phone),
        ("DOB: 03/14/1931.", "03/14/1931", .date),
        ("Admitted on May 4, 2023 for chest pain.", "May 4, 2023", .date),
        ("Surgery 2021-11-02 uneventful.", "2021-11-02", .date),
        ("DATE: 2021-08-23T03:26:50Z; CODE: 8302-2", "2021-08-23T03:26:50Z", .date),
        ("She is a 94-year-old woman.", "94", .age),
        ("Call (617) 555-0123 with results.", "(617) 555-0123", .phone),
        ("Fax: 617-555-0199", "617-555-0199", .fax),
        ("Email jroe@example.org please.", "jroe@example.org", .email),
        ("SSN 123-45-6789 on file.", "123-45-6789", .ssn),
        ("MRN: 00482913", "00482913", .mrn),
        ("Member ID: XJH88291034", "XJH88291034", .healthPlan),
        ("Card 4111111111111111 declined.", "4111111111111111", .account),
        ("VIN 1HGCM82633A004352 noted.", "1HGCM82633A004352", .vehicle),
        ("Pacemaker serial no. PM8821345.", "PM8821345", .device),
        ("See https://portal.example.org/x?id=5 now.", "https://portal.example.org/x?id=5", .url),
        ("Login from 192.168.10.24 flagged.", "192.168.10.24", .ip),
        ("Lives at 1234 Maple Street, Apt 4B.", "1234 Maple Street, Apt 4B", .address),
        ("Moved from Springfield, IL 62704 last year.", "Springfield", .city),
        ("Moved from Springfield, IL 62704 last year.", "62704", .zip),
        ("Transferred to Massachusetts General Hospital overnight.", "Massachusetts General Hospital", .hospital),
    ])
    func findsIdentifier(text: String, expected: String, type: PHIType) {
        #expect(found(text).contains { $0.0 == expected && $0.1 == type }, "\(found(text))")
    }

    // Guards precision: clinical words, vitals, doses and eponyms must not be taken for PHI.
    @Test(arguments: [
        "Foley catheter removed today. CV: RRR, no murmurs. O2 sat 95% on 2L NC.",
        "BP 132/84, HR 88. Take 1/2 tablet daily. WBC 12.3, Plt 250.",
        "History of Parkinson's disease and Bell's palsy. Murphy's sign negative.",
        "A 65-year-old man with CHF. Continue Lasix 40 mg PO daily. Given 1000mL NS.",
        "May continue current regimen. Will follow up in clinic. Gleason score 7.",
        "NPN 1900-0700: uneventful night. Care 0700-1930 per flowsheet.",
    ])
    func leavesClinicalTextAlone(text: String) {
        #expect(found(text).isEmpty, "\(found(text))")
    }

    // Guards the SSN range check: area 000/666/9xx is not an SSN without a cue.
    @Test func rejectsImpossibleSSNWithoutCue() {
        #expect(!found("Code 666-12-3456 entered.").contains { $0.1 == .ssn })
        #expect(found("Code 123-12-3456 entered.").contains { $0.1 == .ssn })
    }

    // Guards linear time: a 1 MB note made of rule anchors must not trigger quadratic scans.
    @Test func pathologicalMegabyteNoteFinishesQuickly() {
        let pieces = ["a@", "1-", "Dr. ", "http://", "1/2/", "(", "Mr. A", "9", ".", " ", "May ", "Street "]
        var text = ""
        var k = 0
        while text.utf8.count < 1 << 20 { text += pieces[k % pieces.count]; k += 1 }
        let clock = ContinuousClock()
        let elapsed = clock.measure { _ = deid.deidentify(text) }
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }
}

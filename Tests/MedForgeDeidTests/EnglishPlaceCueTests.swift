import Testing
@testable import MedForgeDeid

// Places outside the gazetteer, found by the phrase around them.
struct EnglishPlaceCueTests {
    let deid = Deidentifier(options: DeidOptions(language: .en), key: Array("test".utf8))

    func found(_ text: String) -> [(String, PHIType)] {
        let s = Array(text.unicodeScalars)
        return deid.detect(text).spans.map { (String(String.UnicodeScalarView(s[$0.start..<$0.end])), $0.type) }
    }

    // Guards place-phrase: settlement words, `home town`, the speaker's location and `street in`.
    @Test(arguments: [
        ("She grew up near the town of Brakkeby on the coast.", "Brakkeby"),
        ("Family is in the village of Sant Feliu del Racó now.", "Sant Feliu del Racó"),
        ("His home town: Quellmoor", "Quellmoor"),
        ("I'm in Vaskelund until Friday.", "Vaskelund"),
        ("I am currently in Orrensby for work.", "Orrensby"),
        ("The clinic is on a quiet street in Tammerby.", "Tammerby"),
    ])
    func placesNamedByTheirPhraseAreCities(text: String, expected: String) {
        #expect(found(text).contains { $0.0 == expected && $0.1 == .city }, "\(found(text))")
    }

    // Guards precision: states, symptoms, months and acronyms after the same phrases are not cities.
    @Test(arguments: [
        "I'm in Pain Clinic follow-up.",
        "I am in NYHA class II.",
        "She moved to the state of Texas.",
        "I'm in January for the visit.",
        "Seen in the City of Hope clinic? No, at home.",
    ])
    func phrasesFollowedByNonPlacesAreNotCities(text: String) {
        let cities = found(text).filter { $0.1 == .city }.map(\.0)
        for word in ["Pain", "NYHA", "Texas", "January", "Hope"] {
            #expect(!cities.contains { $0.contains(word) }, "\(word) in \(cities)")
        }
    }
}

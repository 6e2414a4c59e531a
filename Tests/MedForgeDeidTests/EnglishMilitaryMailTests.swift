import Testing
@testable import MedForgeDeid

// US military mail addresses (APO/FPO/DPO): the routing line and the unit, PSC or ship line before it.
struct EnglishMilitaryMailTests {
    let deid = Deidentifier(options: DeidOptions(language: .en), key: Array("test".utf8))

    func found(_ text: String) -> [(String, PHIType)] {
        let s = Array(text.unicodeScalars)
        return deid.detect(text).spans.map { (String(String.UnicodeScalarView(s[$0.start..<$0.end])), $0.type) }
    }
    /// Every character of `part` lies inside some address span.
    func covered(_ text: String, _ part: String) -> Bool {
        let s = Array(text.unicodeScalars), p = Array(part.unicodeScalars)
        guard let at = (0...(s.count - p.count)).first(where: { Array(s[$0..<($0 + p.count)]) == p }) else { return false }
        let spans = deid.detect(text).spans.filter { $0.type == .address }
        return (at..<(at + p.count)).allSatisfy { k in s[k].properties.isWhitespace || s[k] == "," || spans.contains { $0.start <= k && k < $0.end } }
    }

    // Guards the routing-line anchor, the unit line on the same line or the line above, ZIP+4 and lower case.
    @Test(arguments: [
        ("Forward the records to: Unit 1009 Box 0219\nDPO AP 51065", "Unit 1009 Box 0219\nDPO AP 51065"),
        ("Mailing address PSC 1234, Box 5678, APO AE 09012-3456 until June.", "PSC 1234, Box 5678, APO AE 09012-3456"),
        ("USNS Comfort\nFPO AA 34055", "USNS Comfort\nFPO AA 34055"),
        ("may i request to have the statement sent to uscgc healy\nfpo ae 44941?", "uscgc healy\nfpo ae 44941"),
        ("address:     unit 4526 box 0671\ndpo ap 40902", "unit 4526 box 0671\ndpo ap 40902"),
    ])
    func militaryAddressesAreFound(text: String, part: String) {
        #expect(covered(text, part), "\(found(text))")
    }

    // Guards precision: the same letters in clinical use, and a routing code without its five-digit ZIP.
    @Test(arguments: [
        "ApoE genotype e3/e4; APO B 110 mg/dL; DPO 2 after the procedure.",
        "The supply room was restocked; the APO AE form is pending.",
        "Sample sent to FPO lab, reference AA 1234.",
    ])
    func lookAlikesStayUnflagged(text: String) {
        #expect(!found(text).contains { $0.1 == .address }, "\(found(text))")
    }
}

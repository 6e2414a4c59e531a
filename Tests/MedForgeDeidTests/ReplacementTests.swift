import Foundation
import Testing
@testable import MedForgeDeid

struct ReplacementTests {
    func deid(_ mode: ReplacementMode, key: String = "corpus-key") -> Deidentifier {
        Deidentifier(options: DeidOptions(mode: mode), key: Array(key.utf8))
    }

    // Guards tag mode and that span offsets count Unicode scalars of the original (emoji and CJK before the span).
    @Test func tagModeUsesScalarOffsetsIntoOriginal() {
        let text = "🙂 患者 seen by Dr. Kowalski."
        let r = deid(.tag).deidentify(text)
        let s = Array(text.unicodeScalars)
        let span = r.spans.first { $0.type == .name }
        #expect(span.map { String(String.UnicodeScalarView(s[$0.start..<$0.end])) } == "Kowalski")
        #expect(r.text == "🙂 患者 seen by Dr. [NAME].")
    }

    // Guards mask mode keeping length, and hash mode being keyed (a different key gives a different hash).
    @Test func maskKeepsLengthAndHashDependsOnKey() {
        let text = "Call 617-555-0123."
        #expect(deid(.mask).deidentify(text).text == "Call ************.")
        let a = deid(.hash, key: "k1").deidentify(text).text, b = deid(.hash, key: "k2").deidentify(text).text
        #expect(a.hasPrefix("Call [PHONE-") && a != b)
    }

    // Guards surrogate consistency across documents and format preservation per type.
    @Test func surrogatesAreConsistentAndKeepFormat() {
        let d = deid(.surrogate)
        let one = d.deidentify("患者张伟，身份证号110105198001011238，电话13812345678。", patient: "p1")
        let two = d.deidentify("患者张伟已出院。身份证号110105198001011238。", patient: "p2")
        let again = d.detect(one.text).spans
        // Phone and ID surrogates are detected again as the same types, and the ID is checksum-valid.
        #expect(again.contains { $0.type == .phone } && again.contains { $0.type == .idCard })
        let s1 = Array(one.text.unicodeScalars)
        let name1 = one.spans.first { $0.type == .name }
        #expect(name1 != nil)
        // Same name -> same surrogate of the same length in another document.
        let newName = String(String.UnicodeScalarView(s1[(name1?.start ?? 0)..<((name1?.start ?? 0) + 2)]))
        #expect(newName != "张伟" && two.text.contains(newName))
        let id = one.text.unicodeScalars.split { !isASCIIDigit($0.value) && $0 != "X" }.map { String(String.UnicodeScalarView($0)) }.first { $0.count == 18 }
        #expect(id.map { Checksums.isChineseID18(Array($0)) } == true && id != "110105198001011238")
    }

    // Guards the per-patient date shift: intervals between a patient's dates survive, the dates do not.
    @Test func dateShiftKeepsIntervalsPerPatient() {
        let d = deid(.surrogate)
        let r = d.deidentify("Admitted 03/01/2021. Discharged 03/11/2021.", patient: "p9")
        let f = DateFormatter(); f.dateFormat = "MM/dd/yyyy"; f.timeZone = TimeZone(identifier: "UTC")
        let dates = r.text.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ".")) }.compactMap { f.date(from: $0) }
        #expect(dates.count == 2)
        if dates.count == 2 {
            #expect(dates[1].timeIntervalSince(dates[0]) == 10 * 86400)
            #expect(f.string(from: dates[0]) != "03/01/2021")
        }
        #expect(DateShifter.shift("2023年5月4日", days: 1) == "2023年5月5日")
        #expect(DateShifter.shift("May 31, 2023", days: 1) == "June 1, 2023")
        #expect(DateShifter.shift("2021-08", days: 31) == "2021-09")
        #expect(DateShifter.shift("2022-06-22", days: 11) == "2022-07-03")
        #expect(DateShifter.shift("2021-08-23T03:26:50Z", days: 1) == "2021-08-24T03:26:50Z")
    }

    // Guards span merging: overlaps become one span, the longest member names the type.
    @Test func overlappingSpansMergeIntoLongest() {
        let m = [PHISpan(start: 0, end: 5, type: .name, rule: "a"), PHISpan(start: 3, end: 12, type: .address, rule: "b"),
                 PHISpan(start: 20, end: 22, type: .zip, rule: "c")].merged()
        #expect(m.count == 2 && m[0].start == 0 && m[0].end == 12 && m[0].type == .address)
    }
}

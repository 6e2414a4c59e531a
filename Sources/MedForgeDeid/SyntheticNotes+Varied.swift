// A second GENERATED English set with phrasings the rules were not written against: all-caps
// headers, lower-case cues, names in narrative, ordinal and relative dates, extensions, unit lines.

extension SyntheticNotes {
    static let variedFillers = [
        "Pt tolerating PO, ambulating with walker. ", "Lungs CTA bilaterally. ", "Abd soft, NT/ND. ",
        "Neuro: A&Ox3, no focal deficits. ", "Will d/c Foley in AM. ", "Na 138, K 4.1, Cr 1.2. ",
        "Pain 3/10, controlled with Tylenol. ", "Hx of DM2, HTN, HLD. ", "CXR negative for acute process. ",
        "Remains on 2L O2 via NC, sats 96%. ", "Plan discussed at length with patient. ", "Dressing C/D/I. ",
        "Ortho following. ", "PT/OT consulted. ", "Code status: Full. ", "Vitals stable overnight. ",
    ]

    /// `count` English notes in varied formats; deterministic for a seed.
    public static func englishVaried(count: Int, seed: UInt64 = 3) -> [GoldDocument] {
        var g = Gen(r: SplitMix64(state: seed))
        return (0..<count).map { _ in
            var b = Builder()
            let f = g.first(), l = g.last()
            switch g.r.below(3) {
            case 0: b.lit("PATIENT NAME: "); b.phi("\(l.uppercased()), \(f.uppercased())", .name); b.lit("\n")
            case 1: b.lit("pt: "); b.phi("\(f) \(l)", .name); b.lit("\n")
            default: b.lit("RE: "); b.phi("\(f) \(l)", .name); b.lit(" (DOB "); b.phi(g.date(), .date); b.lit(")\n")
            }
            for _ in 0..<g.int(5, 9) {
                switch g.r.below(16) {
                case 0: b.lit("Spoke with daughter "); b.phi(g.first(), .name); b.lit(" by phone at "); b.phi("\(g.int(201, 989))-\(g.int(200, 999))-\(g.digits(4))", .phone); b.lit(" ext. 12. ")
                case 1: b.lit("Admitted on the \(["3rd", "21st", "14th", "2nd"][g.r.below(4)]) of "); b.phi("\(Lexicon.monthFullNames[g.r.below(12)]) \(g.int(2015, 2024))", .date); b.lit(". ")
                case 2: b.lit("Seen last "); b.phi(["Monday", "Tuesday", "Friday", "Sunday"][g.r.below(4)], .date); b.lit(" by Dr "); b.phi(g.last(), .name); b.lit(". ")
                case 3: b.lit("Pt is a "); b.phi(String(g.int(90, 103)), .age); b.lit(" y/o female. ")
                case 4: b.lit("Home: "); b.phi("\(g.int(10, 9999)) \(g.last()) Ave, Apt \(g.int(1, 40))", .address); b.lit(", ")
                    let (c, st) = g.pick(cityStates); b.phi(c, .city); b.lit(", \(st) "); b.phi(g.digits(5), .zip); b.lit("\n")
                case 5: b.lit("PCP: "); b.phi("\(g.first()) \(g.last())", .name); b.lit(", MD\n")
                case 6: b.lit("Transferred from "); b.phi("\(g.last()) Memorial Hospital", .hospital); b.lit(". ")
                case 7: b.lit("Acct# "); b.phi(g.digits(10), .account); b.lit(" ")
                case 8: b.lit("Medicare ID "); b.phi("\(g.int(1, 9))EG\(g.int(1, 9))TE\(g.int(10, 99))MK\(g.int(10, 99))", .healthPlan); b.lit(". ")
                case 9: b.lit("Follow-up appt "); b.phi(String(format: "%02d/%02d", g.int(1, 12), g.int(1, 28)), .date); b.lit(" with "); b.phi(g.last(), .name); b.lit(" NP. ")
                case 10: b.lit("Husband "); b.phi("\(g.first()) \(g.last())", .name); b.lit(" is HCP. ")
                case 11: b.lit("Records faxed to "); b.phi("(\(g.int(201, 989))) \(g.int(200, 999))-\(g.digits(4))", .fax); b.lit(". ")
                case 12: b.lit("E-mail: "); b.phi("\(f.lowercased())\(g.int(1, 99))@\(g.pick(["yahoo.com", "hotmail.com", "outlook.com"]))", .email); b.lit("\n")
                case 13: b.lit("Signed: "); b.phi("\(g.first()) \(g.last())", .name); b.lit(", RN "); b.phi(String(format: "%02d/%02d/%04d %02d:%02d", g.int(1, 12), g.int(1, 28), g.int(2015, 2024), g.int(0, 23), g.int(0, 59)), .date); b.lit("\n")
                case 14: b.lit("Lives with her son "); b.phi(g.first(), .name); b.lit(" in "); b.phi(g.pick(cityStates).0, .city); b.lit(". ")
                default: b.lit("Patient \(["states", "reports"][g.r.below(2)]) she was born in "); b.phi(g.pick(["Chicago", "Boston", "Houston", "Denver"]), .city); b.lit(". ")
                }
                b.lit(g.pick(variedFillers))
            }
            return b.document
        }
    }
}

// The kinds of protected health information the detectors report, and a detected span.

/// One protected-information category. Raw values appear in output files and audits.
public enum PHIType: String, CaseIterable, Codable, Sendable, Comparable {
    case name = "NAME"
    case date = "DATE"
    case age = "AGE"
    case phone = "PHONE"
    case fax = "FAX"
    case email = "EMAIL"
    case ssn = "SSN"
    case idCard = "ID_CARD"            // 居民身份证号
    case mrn = "MRN"                   // medical record / 住院号 / 门诊号 / 病历号
    case account = "ACCOUNT"           // account, bank or credit card numbers
    case healthPlan = "HEALTH_PLAN"    // health plan beneficiary / 医保卡号
    case license = "LICENSE"
    case vehicle = "VEHICLE"           // VIN, licence plates, 车牌号
    case device = "DEVICE"
    case id = "ID"                     // any other identifying number
    case url = "URL"
    case ip = "IP"
    case address = "ADDRESS"
    case city = "CITY"
    case zip = "ZIP"
    case hospital = "HOSPITAL"
    case organization = "ORGANIZATION"

    public static func < (a: PHIType, b: PHIType) -> Bool { a.rawValue < b.rawValue }

    /// Tag written in `tag` mode, e.g. `[NAME]`.
    public var tag: String { "[\(rawValue)]" }
}

/// A detected span: offsets are Unicode-scalar indices into the original text, `end` exclusive.
public struct PHISpan: Hashable, Sendable, Codable {
    public var start: Int
    public var end: Int
    public var type: PHIType
    /// Name of the rule that fired (stable identifiers such as `title-cue`, `zh-id-checksum`).
    public var rule: String

    public init(start: Int, end: Int, type: PHIType, rule: String) {
        self.start = start; self.end = end; self.type = type; self.rule = rule
    }

    public var length: Int { end - start }
}

/// Which detector families run on a document.
public enum DeidLanguage: String, CaseIterable, Sendable, Codable {
    case en, zh, auto
}

extension [PHISpan] {
    /// Sorted, non-overlapping spans: overlapping or touching-inside spans are joined into their
    /// union, which takes the type and rule of the longest member (ties: the earlier rule).
    public func merged() -> [PHISpan] {
        let sorted = self.filter { $0.end > $0.start }.sorted {
            $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end
        }
        var out: [PHISpan] = []
        var best: PHISpan? = nil   // longest member of the current group
        for s in sorted {
            if var last = out.last, s.start < last.end {
                if s.length > (best?.length ?? 0) { best = s; last.type = s.type; last.rule = s.rule }
                last.end = Swift.max(last.end, s.end)
                out[out.count - 1] = last
            } else {
                out.append(s); best = s
            }
        }
        return out
    }
}

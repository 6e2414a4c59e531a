// Character classes over Unicode scalar values (UInt32), the unit all detectors scan.

@inline(__always) func isASCIIDigit(_ c: UInt32) -> Bool { c &- 48 < 10 }
@inline(__always) func isASCIIUpper(_ c: UInt32) -> Bool { c &- 65 < 26 }
@inline(__always) func isASCIILower(_ c: UInt32) -> Bool { c &- 97 < 26 }
@inline(__always) func isASCIILetter(_ c: UInt32) -> Bool { isASCIIUpper(c) || isASCIILower(c) }
@inline(__always) func isSpace(_ c: UInt32) -> Bool { c == 32 || c == 9 || c == 0xA0 || c == 0x3000 || c == 13 }
@inline(__always) func isNewline(_ c: UInt32) -> Bool { c == 10 || c == 0x2028 || c == 0x2029 }
@inline(__always) func isWhite(_ c: UInt32) -> Bool { isSpace(c) || isNewline(c) || c == 11 || c == 12 }

/// CJK unified ideographs (basic, extension A, compatibility) and 〇.
@inline(__always) func isCJK(_ c: UInt32) -> Bool {
    (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) || c == 0x3007
}

/// Letters of Latin-script and other alphabetic scripts (not CJK ideographs).
@inline(__always) func isWordLetter(_ c: UInt32) -> Bool {
    if c < 128 { return isASCIILetter(c) }
    if isCJK(c) { return false }
    if c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7 { return true }   // Latin-1 + Latin Extended
    guard let s = Unicode.Scalar(c) else { return false }
    return s.properties.isAlphabetic
}

@inline(__always) func isUpperLetter(_ c: UInt32) -> Bool {
    if c < 128 { return isASCIIUpper(c) }
    guard let s = Unicode.Scalar(c) else { return false }
    return s.properties.isUppercase
}

/// Full-width digits ０-９ count as digits in Chinese text.
@inline(__always) func digitValue(_ c: UInt32) -> Int? {
    if c &- 48 < 10 { return Int(c - 48) }
    if c &- 0xFF10 < 10 { return Int(c - 0xFF10) }
    return nil
}

extension String {
    /// The text as an array of scalar values, the indexing unit of every span.
    var scalarValues: [UInt32] { unicodeScalars.map { $0.value } }
}

/// Appends the UTF-8 encoding of one scalar value (callers hold valid scalars from a String).
@inline(__always) func appendUTF8(_ c: UInt32, to out: inout [UInt8]) {
    if c < 0x80 { out.append(UInt8(c)) }
    else if c < 0x800 { out.append(UInt8(0xC0 | (c >> 6))); out.append(UInt8(0x80 | (c & 0x3F))) }
    else if c < 0x10000 {
        out.append(UInt8(0xE0 | (c >> 12))); out.append(UInt8(0x80 | ((c >> 6) & 0x3F))); out.append(UInt8(0x80 | (c & 0x3F)))
    } else {
        out.append(UInt8(0xF0 | (c >> 18))); out.append(UInt8(0x80 | ((c >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((c >> 6) & 0x3F))); out.append(UInt8(0x80 | (c & 0x3F)))
    }
}

/// Appends scalars `s[a..<b]` as UTF-8. (Building a String.UnicodeScalarView by appends copies the
/// whole string repeatedly; a byte buffer decoded once is linear.)
func appendScalars(_ s: [UInt32], _ a: Int, _ b: Int, to out: inout [UInt8]) {
    var i = a
    while i < b { appendUTF8(s[i], to: &out); i += 1 }
}

/// Builds a String from a slice of scalar values.
func makeString(_ s: [UInt32], _ start: Int, _ end: Int) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(end - start)
    appendScalars(s, start, end, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

/// Upper-cased ASCII-folded key of a slice, for dictionary lookups (`Smith` -> `SMITH`).
func upperKey(_ s: [UInt32], _ start: Int, _ end: Int) -> String {
    var v = String.UnicodeScalarView()
    var i = start
    while i < end {
        let c = s[i]
        if isASCIILower(c) { v.append(Unicode.Scalar(UInt8(c - 32))) }
        else if let u = Unicode.Scalar(c) { v.append(u) }
        i += 1
    }
    return String(v)
}

/// A set of scalars in the BMP as a bitmap: membership is one load and a shift, no hashing. Used on
/// per-character paths of the Chinese rules, which run over every character of a record.
struct ScalarBitmap: Sendable {
    private var words = [UInt64](repeating: 0, count: 1024)   // 65,536 bits
    init<S: Sequence>(_ scalars: S) where S.Element == UInt32 {
        for c in scalars where c < 65536 { words[Int(c >> 6)] |= 1 << UInt64(c & 63) }
    }
    @inline(__always) func contains(_ c: UInt32) -> Bool {
        c < 65536 && words[Int(c >> 6)] & (1 << UInt64(c & 63)) != 0
    }
}

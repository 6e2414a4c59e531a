// Language-independent scanners over raw scalars: e-mail addresses, URLs, IPv4 addresses.
// Each scan is bounded per anchor, so the whole pass is linear in the text length.

enum WebDetector {
    @inline(__always) static func isEmailLocal(_ c: UInt32) -> Bool {
        isASCIILetter(c) || isASCIIDigit(c) || c == 46 || c == 95 || c == 37 || c == 43 || c == 45
    }
    @inline(__always) static func isHostChar(_ c: UInt32) -> Bool {
        isASCIILetter(c) || isASCIIDigit(c) || c == 46 || c == 45
    }
    @inline(__always) static func isURLChar(_ c: UInt32) -> Bool {
        c > 32 && c < 127 && c != 34 && c != 60 && c != 62 && c != 96 && c != 123 && c != 125 && c != 124
    }

    static func detect(_ s: [UInt32], into spans: inout [PHISpan]) {
        let n = s.count
        var i = 0
        var lastEnd = 0
        while i < n {
            let c = s[i]
            if c == 64 { // @
                var a = i
                while a > max(lastEnd, i - 64) && isEmailLocal(s[a - 1]) { a -= 1 }
                var b = i + 1, dots = 0, lastDot = -1
                while b < n && b - i < 255 && isHostChar(s[b]) { if s[b] == 46 { dots += 1; lastDot = b }; b += 1 }
                while b > i + 1 && (s[b - 1] == 46 || s[b - 1] == 45) { b -= 1; if lastDot == b { dots -= 1 } }
                while a < i && (s[a] == 46) { a += 1 }
                if a < i && dots > 0 {
                    var tld = 0, k = b - 1
                    while k > i && s[k] != 46 { if isASCIILetter(s[k]) { tld += 1 }; k -= 1 }
                    if tld >= 2 {
                        spans.append(PHISpan(start: a, end: b, type: .email, rule: "email"))
                        lastEnd = b; i = b; continue
                    }
                }
                i += 1; continue
            }
            // URL schemes and www.
            if (c == 104 || c == 72 || c == 102 || c == 119 || c == 87) && (i == 0 || !isHostChar(s[i - 1])) {
                var prefix = 0
                if matchLower(s, i, "https://") { prefix = 8 }
                else if matchLower(s, i, "http://") { prefix = 7 }
                else if matchLower(s, i, "ftp://") { prefix = 6 }
                else if matchLower(s, i, "www.") { prefix = 4 }
                if prefix > 0 {
                    var b = i + prefix
                    while b < n && b - i < 2048 && isURLChar(s[b]) { b += 1 }
                    while b > i + prefix, let last = Unicode.Scalar(s[b - 1]), ".,;:!?)]'\"".unicodeScalars.contains(last) { b -= 1 }
                    if b > i + prefix + 1 {
                        spans.append(PHISpan(start: i, end: b, type: .url, rule: "url-scheme"))
                        lastEnd = b; i = b; continue
                    }
                }
            }
            // IPv4: four dot-separated numbers 0-255, not inside a longer dotted number.
            if isASCIIDigit(c) && (i == 0 || !(isASCIIDigit(s[i - 1]) || s[i - 1] == 46)) {
                var b = i, parts = 0, ok = true
                while parts < 4 {
                    var v = 0, len = 0
                    while b < n && isASCIIDigit(s[b]) && len < 4 { v = v * 10 + Int(s[b] - 48); b += 1; len += 1 }
                    if len == 0 || len > 3 || v > 255 { ok = false; break }
                    parts += 1
                    if parts < 4 { if b < n && s[b] == 46 { b += 1 } else { ok = false; break } }
                }
                if ok && parts == 4 && !(b < n && (isASCIIDigit(s[b]) || (s[b] == 46 && b + 1 < n && isASCIIDigit(s[b + 1])))) {
                    spans.append(PHISpan(start: i, end: b, type: .ip, rule: "ipv4"))
                    lastEnd = b; i = b; continue
                }
                while i < n && isASCIIDigit(s[i]) { i += 1 }
                continue
            }
            i += 1
        }
    }

    /// Bare domains such as `fleckens.hu` or `example.com/path`: labels joined by dots ending in a known TLD.
    static func detectDomains(_ s: [UInt32], _ t: [Token], keys: [String], claimed: inout [Bool], into spans: inout [PHISpan]) {
        let n = t.count
        var i = 0
        while i < n {
            guard t[i].kind == .word || t[i].kind == .alnum, !claimed[i] else { i += 1; continue }
            var j = i, labels = 1
            while j + 2 < n, t[j + 1].kind == .punct, s[Int(t[j + 1].start)] == 46, !t[j + 1].spaceBefore,
                  !t[j + 2].spaceBefore, t[j + 2].kind == .word || t[j + 2].kind == .alnum || (t[j + 2].kind == .punct && s[Int(t[j + 2].start)] == 45) {
                if t[j + 2].kind == .punct { break }
                j += 2; labels += 1
            }
            if labels >= 2, t[j].kind == .word, Lexicon.topLevelDomains.contains(keys[j]), t[i].length >= 2 {
                // Not an abbreviation run like `e.g.` or `i.v.`: the first label must be 2+ letters.
                var end = Int(t[j].end)
                if j + 1 < n, s[Int(t[j + 1].start)] == 47, !t[j + 1].spaceBefore {
                    var k = j + 1
                    while k < n && !t[k].spaceBefore && WebDetector.isURLChar(s[Int(t[k].start)]) { end = Int(t[k].end); k += 1 }
                    j = k - 1
                }
                spans.append(PHISpan(start: Int(t[i].start), end: end, type: .url, rule: "domain"))
                for k in i...j { claimed[k] = true }
                i = j + 1; continue
            }
            i = j + 1
        }
    }

    /// `2021-08-23T03:26:50Z`, `2021-08-23T03:26:50.123+08:00`: a date, `T`, a clock time, a zone.
    static func detectISODateTimes(_ s: [UInt32], into spans: inout [PHISpan]) {
        let n = s.count
        func digits(_ at: Int, _ k: Int) -> Bool {
            guard at + k <= n else { return false }
            for q in at..<(at + k) where !isASCIIDigit(s[q]) { return false }
            return true
        }
        var i = 0
        while i + 16 <= n {
            // Anchor on the `T` between a date and a time.
            guard s[i + 10] == 84, s[i + 4] == 45, s[i + 7] == 45, digits(i, 4), digits(i + 5, 2), digits(i + 8, 2),
                  digits(i + 11, 2), s[i + 13] == 58, digits(i + 14, 2), i == 0 || !isASCIIDigit(s[i - 1]) else { i += 1; continue }
            var e = i + 16
            if e + 2 < n, s[e] == 58, digits(e + 1, 2) { e += 3 }
            if e < n, s[e] == 46 { e += 1; while e < n && isASCIIDigit(s[e]) { e += 1 } }
            if e < n, s[e] == 90 { e += 1 }
            else if e + 5 < n + 1, e < n, s[e] == 43 || s[e] == 45, digits(e + 1, 2) { e += 3; if e < n, s[e] == 58 { e += 1 }; if digits(e, 2) { e += 2 } }
            spans.append(PHISpan(start: i, end: e, type: .date, rule: "iso-datetime"))
            i = e
        }
    }

    static func matchLower(_ s: [UInt32], _ at: Int, _ lit: String) -> Bool {
        var k = at
        for u in lit.unicodeScalars {
            guard k < s.count else { return false }
            var c = s[k]
            if isASCIIUpper(c) { c += 32 }
            if c != u.value { return false }
            k += 1
        }
        return true
    }
}

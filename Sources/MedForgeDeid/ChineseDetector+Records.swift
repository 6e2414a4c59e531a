// Chinese record conventions beyond the fixed cue list: any field label naming a person's role
// (术者：, 第一助手：, 审核：, 交班者：, 收款人：, 随访员：, 签约居民：), a bare surname before a
// title after a department or a date (心内科罗教授, 5月28日史主任), familiar forms (小王, 老李, 李大爷),
// and employers (工作单位：…, …有限公司, …分行).

extension ChineseLexicon {
    /// Last characters of a field label that names a person (术者, 收款人, 随访员, 家庭医生, 助手, 护士长).
    static let personLabelEnds = chars("者人员师生手长士属民助")
    /// Whole labels that name a person without such an ending.
    static let personLabels: Set<[UInt32]> = Set(list("记录 审核 主治 户名 家长 签名 签字 主刀 一助 二助 麻醉 巡回 器械 护送 陪同 交班 接班 实名认证 中文名 认证 夜班 白班 值班 小夜 大夜"))
    /// Labels ending in a person character that are not about a person (出生, 发生, 卫生).
    static let nonPersonLabels: Set<[UInt32]> = Set(list("出生 发生 卫生 产生 医生意见 病人情况 报告人数 家属意见 与患者关系 关系 方式 结果 处理 麻醉方式 人数"))
    /// Common surnames trusted in familiar forms (小王, 老李, 李大爷).
    /// Given-name characters of 阿 nicknames (阿杰, 阿强, 阿梅), in simplified form; no kinship or drug starts.
    static let nicknameChars = chars("杰强梅荣辉娥凯明华芳玲兰英珍伟军勇东平红丽娟霞秀福贵财宝龙虎豪彬斌光海波坤雄德美玉凤莲燕萍琴敏静婷欣怡晴雯亮峰刚健文武成发标添旺仔妹")
    static let familiarSurnames = chars("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金廖贾夏韦付邱秦江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤")
    /// Words after a surname in familiar address (李大爷, 王阿姨, 张师傅).
    static let familiarTitles = list("大爷 大妈 阿姨 叔叔 奶奶 爷爷 师傅 老先生 老太太 大姐 大哥 婆婆 姑娘 伯伯 姐 哥 叔 姨 伯 婆")
    /// Characters after 小王/老李 that end the name: punctuation or a following verb or particle.
    static let familiarFollowers = chars("，。、；：！？）)（( \t\n在说的来去是也让呢吗啊呀了和跟给到又还就都已负讲打拿送陪做帮看值叫问告通联查处接交签")
    /// Suffixes that end a firm's registered name, longest first.
    static let registeredOrganisationSuffixes = list("股份有限公司 有限责任公司 有限公司 分公司 集团 分行 支行 研究所 研究院 车辆段 事务所")
    /// All organisation suffixes in matching order; a weak one (公司, 银行, 大学) also needs a place in the name.
    static let organisationSuffixes = registeredOrganisationSuffixes + list("公司 银行 大学 学院 中学 小学")
    static let strongOrganisationSuffixes: Set<[UInt32]> = Set(registeredOrganisationSuffixes)
    static let companyWord = list("公司")[0], chinaWord = list("中国")[0]
    /// Month words of lunar dates (正月, 腊月) and the relations that vouch for a name in brackets (`赵鹏（父）`).
    static let lunarMonthChars = chars("正一二三四五六七八九十冬腊")
    static let sexChars = chars("男女")
    static let bracketRelations = list("父 母 父亲 母亲 子 女 儿子 女儿 丈夫 妻子 爱人 之子 之女 患者 本人 兄 弟 姐 妹 孙 孙女 儿媳 女婿 同事")
    /// A doctor's and a patient's turn at line starts mark a dialogue.
    static let doctorTurns = list("\n医生： \n医生:"), patientTurns = list("\n患者： \n患者:")
    /// Labels followed by an employer; 单位 only as a field (`工作单位：`), the others in running text.
    static let organisationLabels = list("工作单位： 工作单位: 单位： 单位: 就职于 任职于 供职于 受雇于")
    /// First and last characters of the lists above, so each is tried only where it can match.
    static let familiarTitleStarts = Set(familiarTitles.compactMap(\.first))
    static let organisationSuffixEnds = Set(organisationSuffixes.compactMap(\.last))
    static let organisationLabelStarts = Set(organisationLabels.compactMap(\.first))
    /// Labels of the turns of a dialogue, after which a reply is as likely as a name.
    static let speakerLabels: Set<[UInt32]> = Set(list("患者 医生 家属 患儿 护士 病人 接听者 随访员"))
    /// Characters that never continue a name even where a label vouches for one: particles, sex and
    /// kinship words, titles.
    static let vouchedNameStops = chars("的了是在和与及男女岁某医生师护士先女主任教授之其妻夫儿父母床号电话住址签名患者病科院")
    /// Characters after which a record line may start with a name (line break, spaces, punctuation, 床, 室).
    static let nameLeadChars = ScalarBitmap([10, 32, 0x3000] + "，。；：、（床室".unicodeScalars.map(\.value))
    /// Every character at which `runRecordRules` does anything (colons, 小/老, familiar surnames, suffix
    /// ends, label starts, 月, 市), as a bitmap checked once per character.
    /// Festivals that name a day of a particular year (春节, 中秋节, 平安夜); the short forms (中秋, 清明,
    /// 冬至) only before a word that makes them a time (节, 假, 前, 后, 期间, 那天), since `清明` and
    /// `冬至` are also ordinary words.
    static let festivals = list("春节 除夕 元旦 元宵节 清明节 端午节 中秋节 国庆节 重阳节 七夕节 平安夜 圣诞节 圣诞夜 小年夜 腊八节 大年三十 大年夜 情人节 母亲节 父亲节")
    static let shortFestivals = list("中秋 国庆 清明 端午 元宵 圣诞 冬至 小年 腊八 七夕 重阳 大年初 年三十")
    static let festivalTimeWords = list("节 假 前 后 期间 连假 长假 那天 那日 当天 当日 晚上 夜里 之前 之后 左右")
    static let festivalStarts = ScalarBitmap(Array(Set((festivals + shortFestivals).compactMap(\.first))))
    static let recordRuleChars = ScalarBitmap(Array(familiarSurnames) + Array(organisationSuffixEnds) + Array(organisationLabelStarts)
        + [0xFF1A, 58] + "小老月市阿".unicodeScalars.map(\.value) + Array(Set((festivals + shortFestivals).compactMap(\.first))))
    static let organisationStops = chars("，。；;,.!?！？、（）()【】“”\"' \t\n在于到去至从与及的是为投保患者了们我你他她它上下前后时候这那个些有没也都还就很和要把被让给")
}

extension ChineseDetector {
    mutating func runRecordRules() {
        var i = 0
        while i < n {
            let c = s[i]
            guard ChineseLexicon.recordRuleChars.contains(c) else { i += 1; continue }
            if c == 0xFF1A || c == 58 { personLabel(colon: i) }
            if c == ("小" as Unicode.Scalar).value || c == ("老" as Unicode.Scalar).value { familiar(i) }
            if c == 0x963F { nickname(i) }   // 阿
            if ChineseLexicon.familiarSurnames.contains(c), i + 1 < n, ChineseLexicon.familiarTitleStarts.contains(s[i + 1]) { familiarTitled(i) }
            if ChineseLexicon.organisationSuffixEnds.contains(c) { organisation(endingAt: i) }
            if c == ("月" as Unicode.Scalar).value { lunarDate(month: i) }
            if ChineseLexicon.festivalStarts.contains(c) { festival(i) }
            if c == ("市" as Unicode.Scalar).value { cityDistrict(city: i) }
            if ChineseLexicon.organisationLabelStarts.contains(c) {
                for label in ChineseLexicon.organisationLabels where matches(label, at: i) { organisationAfter(i + label.count); break }
            }
            i += 1
        }
        demographicNames()
        coordinatedNames()
    }

    /// A given-name character where the context already vouches for a name (a role label, a list, a bracket):
    /// time and number words that `isGiven` refuses in running text (天, 明, 周) are allowed here.
    func isVouchedGiven(_ j: Int) -> Bool {
        j < n && isCJK(s[j]) && !ChineseLexicon.vouchedNameStops.contains(s[j])
    }

    /// Surname and one or two given characters at `j` ending at a boundary: the end index, or nil.
    func fullName(at j: Int) -> Int? {
        let sl = surnameLength(j)
        guard sl > 0, j + sl < n, s[j + sl] != ("某" as Unicode.Scalar).value else { return nil }
        var e = j + sl
        while e < n && e - (j + sl) < 2 && isVouchedGiven(e) { e += 1 }
        guard e > j + sl, boundary(e) || e < n && (s[e] == ("、" as Unicode.Scalar).value || s[e] == 47) else { return nil }
        return e
    }

    /// `术者诸葛文清、邵志华`, `晏子琪、廖斌`, `向东/欧阳倩`: names listed after a found name; and a Chinese name in
    /// brackets after a romanised one or a title (`Kevin Zhang（张凯文）`, `沈医生（沈佩琳）`, `实名认证：刘思雨`).
    mutating func coordinatedNames() {
        var k = 0
        while k < spans.count {
            let sp = spans[k]
            k += 1
            guard sp.type == .name else { continue }
            var e = sp.end
            while e < n, s[e] == ("、" as Unicode.Scalar).value || s[e] == 47, let f = fullName(at: e + 1) {
                add(e + 1, f, .name, "zh-name-list"); e = f
            }
        }
        var i = 0
        while i + 3 < n {
            if s[i] == 0xFF08 || s[i] == 40, i > 0 {
                let p = s[i - 1]
                let titled = "生师任授士长姨叔爷奶婆哥姐".unicodeScalars.contains(Unicode.Scalar(p) ?? " ")
                if isASCIILetter(p) || titled, let f = fullName(at: i + 1), f < n, s[f] == 0xFF09 || s[f] == 41 {
                    add(i + 1, f, .name, "zh-name-bracket")
                }
            }
            i += 1
        }
    }

    /// Names vouched for by what follows them: `尉迟恒，男，38岁`, `赵鹏（父）`, and a dialogue speaker label at a
    /// line start (`周莉：请问…`) that is not a role (`随访员：`, `李医生：`).
    mutating func demographicNames() {
        let sexes = ChineseLexicon.sexChars
        // A dialogue has both a doctor's and a patient's turn at line starts; looked up only when a speaker label needs it.
        var dialogueSeen: Bool? = nil
        func dialogue() -> Bool {
            if let d = dialogueSeen { return d }
            let d = (0..<n).contains { k in s[k] == 10 && ChineseLexicon.doctorTurns.contains { matches($0, at: k) } }
                && (0..<n).contains { k in s[k] == 10 && ChineseLexicon.patientTurns.contains { matches($0, at: k) } }
            dialogueSeen = d
            return d
        }
        var i = 0
        while i < n {
            // After a line start, punctuation, a space, a bed or room (`11床 金鑫`, `抢救室包海涛`) or a number.
            let lineStart = i == 0 || ChineseLexicon.nameLeadChars.contains(s[i - 1]) || isDigitAt(i - 1)
            guard lineStart, surnameLength(i) > 0, let e = fullName(at: i), e - i <= 4 else { i += 1; continue }
            var vouched = false
            // `X，男，` / `X，女，`
            if e + 2 < n, s[e] == 0xFF0C || s[e] == 44, sexes.contains(s[e + 1]), !isCJK(s[e + 2]) || s[e + 2] == 0xFF0C { vouched = true }
            // `林森 男 27岁`, `戴晓敏　女　31岁`: name, space, sex, space.
            var sp = e
            while sp < n, sp - e < 3, s[sp] == 32 || s[sp] == 0x3000 { sp += 1 }
            if sp > e, sp + 1 < n, sexes.contains(s[sp]), s[sp + 1] == 32 || s[sp + 1] == 0x3000 || isDigitAt(sp + 1) { vouched = true }
            // `X（父）`
            if e + 1 < n, s[e] == 0xFF08 || s[e] == 40 {
                for r in ChineseLexicon.bracketRelations where matches(r, at: e + 1) && e + 1 + r.count < n && (s[e + 1 + r.count] == 0xFF09 || s[e + 1 + r.count] == 41) { vouched = true; break }
            }
            // `周莉：` at a line start in a dialogue (other lines open with 医生： or 患者：), not a role word
            if !vouched, i == 0 || s[i - 1] == 10, e < n, s[e] == 0xFF1A || s[e] == 58, !ChineseLexicon.personLabelEnds.contains(s[e - 1]),
               !ChineseLexicon.weakSurnames.contains(s[i]) || surnameLength(i) == 2, dialogue() { vouched = true }
            if vouched { add(i, e, .name, "zh-name-context") }
            i = e
        }
    }

    /// `正月初八`, `腊月二十三`, `八月十五`: a lunar-calendar date (month word, then 初/十/廿/二十/三十 and a day).
    mutating func lunarDate(month m: Int) {
        guard m >= 1, m + 2 < n else { return }
        guard ChineseLexicon.lunarMonthChars.contains(s[m - 1]) else { return }
        var a = m - 1
        if a >= 1, s[a] == ("一" as Unicode.Scalar).value || s[a] == ("二" as Unicode.Scalar).value, s[a - 1] == ("十" as Unicode.Scalar).value { a -= 1 }
        let lead = s[m + 1]
        if lead == ("初" as Unicode.Scalar).value || lead == ("廿" as Unicode.Scalar).value {
            var e = m + 2
            while e < n, e - m <= 3, ChineseLexicon.numeralValues[s[e]] != nil || s[e] == 0x5341 { e += 1 }
            guard e > m + 2 else { return }
            add(a, e, .date, "zh-lunar-date")
            return
        }
        // `腊月二十三`, `正月十五`: a day from 十 up written with 十 (a bare `三月二` is not a day), not before
        // 日/号 (the ordinary date rule's) or a counter (`腊月二十多天`).
        var e = m + 1
        while e < n, e - m <= 3, ChineseLexicon.numeralValues[s[e]] != nil || s[e] == 0x5341 { e += 1 }
        guard e > m + 2, s[(m + 1)..<e].contains(0x5341), let d = chineseNumber(m + 1, e), (10...30).contains(d) else { return }
        if e < n, "日号多几天个余".unicodeScalars.contains(Unicode.Scalar(s[e]) ?? " ") { return }
        add(a, e, .date, "zh-lunar-date")
    }

    /// `春节`, `中秋节`, `国庆假期`, `清明连假前`, `大年初二`: a festival of the year the record is about.
    mutating func festival(_ i: Int) {
        for word in ChineseLexicon.festivals where matches(word, at: i) {
            add(i, i + word.count, .date, "zh-festival"); return
        }
        for word in ChineseLexicon.shortFestivals where matches(word, at: i) {
            var e = i + word.count
            if word.last == 0x521D {   // 大年初 + a numeral
                guard e < n, let d = ChineseLexicon.numeralValues[s[e]], d >= 1 else { return }
                add(i, e + 1, .date, "zh-festival"); return
            }
            guard ChineseLexicon.festivalTimeWords.contains(where: { matches($0, at: e) }) else { return }
            add(i, e, .date, "zh-festival"); return
        }
    }

    /// `绍兴市柯桥区…`, `百色市田阳区头塘镇百渡村六组`: a city (CITY) and the district-level address after it.
    mutating func cityDistrict(city i: Int) {
        var a = i
        while a - 1 >= 0, i - a < 4, isCJK(s[a - 1]), !ChineseLexicon.hospitalStops.contains(s[a - 1]),
              !"省人于在到去至从与及的是患者".unicodeScalars.contains(Unicode.Scalar(s[a - 1]) ?? " ") { a -= 1 }
        guard i - a >= 2, i + 3 < n else { return }
        // The next component must be a district or county (2-4 characters and 区/县/旗).
        var d = i + 1
        while d < n, d - i <= 5, isCJK(s[d]), !"区县旗".unicodeScalars.contains(Unicode.Scalar(s[d]) ?? " ") { d += 1 }
        guard d < n, d - i >= 3, "区县旗".unicodeScalars.contains(Unicode.Scalar(s[d]) ?? " ") else { return }
        add(a, i + 1, .city, "zh-city-district")
        addressRun(from: i + 1, rule: "zh-address-district")
        if !spans.contains(where: { $0.start == i + 1 }) { add(i + 1, d + 1, .address, "zh-address-district") }
    }

    /// True when position `e` ends a name: end of text, a non-Chinese character or punctuation.
    func boundary(_ e: Int) -> Bool {
        e >= n || !isCJK(s[e])   // punctuation, spaces and line breaks are all outside the ideograph ranges
    }

    /// `术者：黎晓`, `审核：郑秀英（护士长）`, `收款人：夏文静`: a label that names a role, then a surname and given name.
    mutating func personLabel(colon: Int) {
        var a = colon
        while a - 1 >= 0 && colon - a < 5 && isCJK(s[a - 1]) { a -= 1 }
        guard colon - a >= 2 || colon - a == 1 && ["助", "术"].contains(Character(Unicode.Scalar(s[colon - 1])!)) else { return }
        let label = Array(s[a..<colon])
        if ChineseLexicon.nonPersonLabels.contains(where: { label.count >= $0.count && Array(label.suffix($0.count)) == $0 }) { return }
        guard ChineseLexicon.personLabelEnds.contains(s[colon - 1]) || ChineseLexicon.personLabels.contains(label)
                || ChineseLexicon.personLabels.contains(Array(label.suffix(2))) else { return }
        var j = colon + 1
        while j < n && j - colon <= 2 && (s[j] == 32 || s[j] == 0x3000) { j += 1 }
        let sl = surnameLength(j)
        // After a speaker's label a weak surname (都, 于, 时) or a doubled character starts a reply (患者：都挺好, 谢谢).
        let speaker = ChineseLexicon.speakerLabels.contains(label)
        // `申请人：格桑`, `受检者：次仁卓玛`: a Tibetan, Uyghur or Mongolian name has no surname.
        if sl == 0, !speaker, j + 1 < n, ChineseLexicon.minorityNameStarts.contains([s[j], s[j + 1]]) {
            var e = j + 2
            while e < n, e - j < 10, isCJK(s[e]) || s[e] == 0xB7, !ChineseLexicon.nameStops.contains(s[e]) { e += 1 }
            if boundary(e) { add(j, e, .name, "zh-role-label") }
            return
        }
        guard sl > 0, j + sl <= n, sl == 2 || !speaker || !ChineseLexicon.weakSurnames.contains(s[j]) else { return }
        if sl == 1, j + 1 < n, s[j + 1] == s[j] { return }
        // `收款员：汤`: a common surname alone fills the field.
        if sl == 1, boundary(j + 1), !ChineseLexicon.weakSurnames.contains(s[j]) { add(j, j + 1, .name, "zh-role-label"); return }
        guard j + sl < n, s[j + sl] != ("某" as Unicode.Scalar).value else { return }
        var e = j + sl
        while e < n && e - (j + sl) < 2 && isVouchedGiven(e) { e += 1 }
        // The name must end at a boundary: a field separator, punctuation or the line's end.
        guard e > j + sl, boundary(e) else { return }
        add(j, e, .name, "zh-role-label")
    }

    /// `阿杰`, `阿梅話`, `朋友阿輝`: a Cantonese and southern nickname, 阿 and one given-name character ending
    /// there (not 阿姨, 阿婆 or the drugs 阿司匹林, 阿莫西林, which go on).
    mutating func nickname(_ i: Int) {
        let j = i + 1
        guard j < n, ChineseLexicon.nicknameChars.contains(s[j]), j + 1 >= n || !isCJK(s[j + 1]) || ChineseLexicon.familiarFollowers.contains(s[j + 1])
                || s[j + 1] == 0x8BDD || s[j + 1] == 0x4F6C else { return }   // 話 (simplified 话), 佬
        if i > 0, s[i - 1] == 0x963F { return }
        add(i, j + 1, .name, "zh-nickname")
    }

    /// `小王`, `老李在院子里`: a familiar form; only common surnames, and the name must end there.
    mutating func familiar(_ i: Int) {
        let j = i + 1
        guard j < n, ChineseLexicon.familiarSurnames.contains(s[j]), j + 1 >= n || ChineseLexicon.familiarFollowers.contains(s[j + 1]) || !isCJK(s[j + 1]) else { return }
        // 小王 at a word start: not inside 大小, 老老实实.
        if i > 0, isCJK(s[i - 1]), s[i - 1] == ("大" as Unicode.Scalar).value || s[i - 1] == s[i] { return }
        add(j, j + 1, .name, "zh-familiar")
    }

    /// `李大爷`, `王阿姨`, `张师傅`: a common surname before a familiar title, after a boundary.
    mutating func familiarTitled(_ i: Int) {
        guard i == 0 || !isCJK(s[i - 1]) || "，。、；：！？（）　是问叫找请和跟给让".unicodeScalars.contains(Unicode.Scalar(s[i - 1]) ?? " ") else { return }
        for t in ChineseLexicon.familiarTitles where matches(t, at: i + 1) { add(i, i + 1, .name, "zh-familiar"); return }
    }

    /// `成都铁路局成都车辆段`, `平安财产保险股份有限公司深圳分公司`: a run ending in an organisation suffix.
    mutating func organisation(endingAt i: Int) {
        for suffix in ChineseLexicon.organisationSuffixes {
            let a0 = i + 1 - suffix.count
            guard a0 >= 0, matches(suffix, at: a0), i + 1 >= n || !matches(ChineseLexicon.companyWord, at: i + 1) || suffix.count > 2 else { continue }
            var a = a0
            while a - 1 >= 0 && a0 - a < 20 && (isCJK(s[a - 1]) || isDigitAt(a - 1)) && !ChineseLexicon.organisationStops.contains(s[a - 1]) { a -= 1 }
            guard a0 - a >= 2 else { return }
            let prefix = Array(s[a..<a0])
            if ChineseLexicon.vaguePrefixes.contains(prefix) { return }
            // A registered suffix needs three characters before it; a weak one (公司, 银行) a place or 中国 in the name.
            let strong = ChineseLexicon.strongOrganisationSuffixes.contains(suffix)
            let placed = (a..<a0).contains { k in
                ChineseLexicon.provinces.contains { matches($0, at: k) } || "省市县区".unicodeScalars.contains(Unicode.Scalar(s[k]) ?? " ")
            } || matches(ChineseLexicon.chinaWord, at: a)
            guard strong ? a0 - a >= 3 : placed && a0 - a >= 2 else { return }
            add(a, i + 1, .organization, "zh-organisation")
            return
        }
    }

    /// `工作单位：杭州云栖数据科技有限公司`: the run after an employer label.
    mutating func organisationAfter(_ start: Int) {
        var j = start
        while j < n && j - start < 2, let u = Unicode.Scalar(s[j]), "：: ".unicodeScalars.contains(u) { j += 1 }
        var e = j
        while e < n && e - j < 30 && isCJK(s[e]) && !"，。；、（）　\n".unicodeScalars.contains(Unicode.Scalar(s[e]) ?? " ") { e += 1 }
        // The field holds the whole name: it ends the line or the field (no running sentence after it).
        guard e - j >= 4, e >= n || s[e] == 10 || s[e] == 0x3000 || s[e] == 32 || s[e] == 0xFF08 || s[e] == 40 else { return }
        add(j, e, .organization, "zh-organisation-label")
    }
}

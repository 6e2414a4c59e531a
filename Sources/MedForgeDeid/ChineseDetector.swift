// Rule-based Chinese PHI detection over scalars: names after/before role words, resident IDs,
// record numbers after their labels, plates, dates, ages over the limit, addresses, hospitals.
// Every rule scans a bounded window around its anchor, so the pass is linear in the text length.

enum ChineseLexicon {
    static func chars(_ s: String) -> Set<UInt32> { Set(s.unicodeScalars.map { $0.value }) }
    static func list(_ s: String) -> [[UInt32]] { s.split(separator: " ").map { $0.unicodeScalars.map { $0.value } } }

    static let surnames = chars("""
    王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由
    """)
    static let compoundSurnames = list("欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫 西门 百里 呼延 澹台 公冶 万俟 闻人 宗政 濮阳 太史 申屠 钟离 赫连 第五 拓跋")
    /// Common surnames that are also everyday function characters; a shorter reading wins over them.
    static let weakSurnames = chars("和于余向常时应来由但信都相初原门全成安解那国平明同及查麻关呼")
    /// Characters that cannot be part of a given name in running clinical text.
    static let nameStops = chars("按通间问您你我他她它们这那哪什么怎样些很也还就又再才将把让使得地着过吗呢吧啊请好要会可能需该当常血压症状治疗康复留意擅长配合烦候严重容易谢祝福许多都来的了和与及是在于因为被对向从自到以等男女岁某患者病医生师院科室主诉入出今昨前后日月年时分无有行给予未已经查示见伴约天周个，。、；：:;,.!?！？（）()【】[]“”\"'《》 \t\n先生女士之其妻夫儿父母护士床号电话手机住址签名说称诊治疗术龄")
    /// Role words before a name.
    static let leftCues = list("长子 长女 次子 次女 幼子 幼女 太太 老公 老婆 媳妇 胞弟 胞妹 胞兄 胞姐 外婆 外公 男友 女友 男朋友 女朋友 申请人 案主 受检者 就诊人 来访者 当事人 投诉人 被保险人 参保人 护工 保姆 社工师 心理师 宗教师 护理师 个管师 营养师 治疗师 药师 社工 规培医师 进修医师 实习医师 值班医生 值班医师 户名 我叫 我是 儿媳妇 儿媳 女婿 孙子 孙女 外孙女 外孙 同事 工友 老伴 辅导员 室友 邻居 哥哥 姐姐 弟弟 妹妹 侄子 侄女 外甥 术者 主刀 患者姓名 姓名 患者 病人 病患 患儿 主治医师 住院医师 主任医师 副主任医师 主管医生 经治医师 会诊医师 管床医生 责任护士 护士长 医师 医生 主任 护士 家属 联系人 签名 签字 记录者 记录人 报告人 审核人 审核者 操作者 之子 之女 其子 其女 其妻 其夫 丈夫 妻子 儿子 女儿 父亲 母亲 爱人 配偶 监护人 代理人 委托人 陪同人 经办人")
    /// Role words after a name.
    static let rightCues = list("专科护理师 护理师 个管师 社工师 营养师 治疗师 心理师 宗教师 药师 老先生 老太太 老人家 住院医师 主治医师 主任医师 副主任医师 进修医师 规培医师 实习医师 副主任 副教授 医生 医师 主任 护士 教授 先生 女士 大夫 老师 院长 护士长 主治 警官")
    /// Words in a hospital name that make it a particular hospital, not a kind (正规医院, 三甲医院).
    static let hospitalAnchors = list("省 市 县 区 镇 乡 第 人民 大学 附属 军 协和 华西 同济 湘雅 中山 友谊 红十字 中心 妇幼 儿童 肿瘤 中医 口腔 眼科 胸科")
    static let addressVerbs = chars("找请问由给被叫让和与跟同向对是")
    static let labelOnlyCues: Set<[UInt32]> = Set(list("医师 医生 主任 护士 签名"))
    static let strongLeftCues: Set<[UInt32]> = Set(list("患者姓名 姓名 签名 签字 联系人"))

    /// Labels before identifiers.
    private static let idCueTable: [(String, PHIType)] = [
        ("住院号", .mrn), ("门诊号", .mrn), ("病历号", .mrn), ("病案号", .mrn), ("登记号", .mrn), ("就诊号", .mrn),
        ("住院编号", .mrn), ("就诊卡号", .mrn), ("检查号", .mrn), ("影像号", .mrn), ("标本号", .mrn),
        ("医保卡号", .healthPlan), ("医保号", .healthPlan), ("社保卡号", .healthPlan), ("社保号", .healthPlan), ("参保号", .healthPlan), ("医保卡", .healthPlan),
        ("银行卡号", .account), ("银行卡", .account), ("卡号", .account), ("账号", .account), ("帐号", .account),
        ("身份证号码", .idCard), ("身份证号", .idCard), ("身份证", .idCard),
        ("护照号", .license), ("执业证号", .license), ("执照号", .license), ("驾驶证号", .license),
        ("车牌号码", .vehicle), ("车牌号", .vehicle), ("车牌", .vehicle),
        ("联系电话", .phone), ("电话号码", .phone), ("手机号码", .phone), ("手机号", .phone), ("电话", .phone), ("手机", .phone), ("固话", .phone),
        ("传真", .fax), ("邮编", .zip), ("邮政编码", .zip), ("工号", .id), ("编号", .id),
        ("病理号", .id), ("报告号", .id), ("学号", .id), ("单号", .id), ("报案号", .id), ("证号", .id),
    ]
    static let idCues: [([UInt32], PHIType)] = idCueTable.map { (word, type) in (word.unicodeScalars.map { $0.value }, type) }

    static let provinces = list("北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门 深圳 广州 杭州 南京 武汉 成都 西安 苏州 沈阳 大连 青岛 厦门 长沙 郑州 济南 哈尔滨 长春 昆明 南宁 合肥 福州 南昌 石家庄 太原 兰州 贵阳 乌鲁木齐 呼和浩特 银川 西宁 拉萨 海口 宁波 无锡 温州 佛山 东莞")
    static let addressCues = list("家庭住址 户籍地址 通讯地址 联系地址 现住址 居住地 住址 地址 家住 住在 现住 现居 居住于 居住在 住于 户籍地 籍贯 出生地")
    static let adminChars = chars("省市区县镇乡村路街道巷弄号楼栋室组屯旗盟州")
    static let addressStops = chars("，。；;,.!?！？、（）()【】“”\"' \t\n的因在于就诊医")
    static let hospitalSuffixes = list("社区卫生服务中心 卫生服务中心 妇幼保健院 医学中心 卫生院 保健院 疗养院 门诊部 卫生室 诊所 医院 康复中心 急救中心 防治中心 体检中心 医疗中心 透析中心 分院 养老院")
    static let hospitalStops = chars("，。；;,.!?！？、（）()【】“”\"' \t\n在于到去至从与及的转入经曾来我本该外当某往赴就住为是由同至送收诊或者比如说有各找级")
    static let departmentStops = chars("，。；;,.!?！？、（）()【】“”\"' \t\n就在于的转住行和与及")
    /// Characters of questions and kinds of hospital (哪家医院, 癫痫专科医院, 正规公立医院): no name in them.
    static let genericHospitalChars = chars("哪家这那些什么请问求治疗正规专业最好著名知名十大公立私癫痫病症科线上下互联网你我他们大小好")
    static let vaguePrefixes = list("本 我 外 该 当地 上级 基层 附近 其他 多家 各 综合 专科 县级 市级 省级 大 小 一家 这家 那家 私立 公立 正规 三甲 二甲 三级 二级 社区 私人 民营 大型 小型 外院 他院 对方 原 定点 就近 儿童 中医 妇幼 肿瘤 精神病 传染病")
    static let provinceAbbrev = chars("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼")
    /// First characters of every cue, label, province and address word: `scanCues` skips all other characters.
    static let cueStarts: Set<UInt32> = {
        var set = Set<UInt32>()
        for w in idCues.map(\.0) + leftCues + rightCues + addressCues + provinces { if let f = w.first { set.insert(f) } }
        return set
    }()
    /// Characters around a bare `N月` that make it a duration or an age in months, not a month.
    static let durationBeforeMonth = chars("个近约第每隔余半超续历程已再共计满足达至零多几孕史病时间期龄后前内")
    static let durationAfterMonth = chars("龄余内来多左后前以经子薪大")
    static let monthCueChars = chars("于在从自到至是")
    /// Unit characters after a number (`3.5万`, `2.5克`): no date.
    static let unitChars = chars("万亿元克斤米度分秒次个岁倍毫升公厘")
    static let shiftWords = list("夜班 白班 晚班 早班 中班 大夜 小夜 上午 下午 晚上 凌晨 中午 早上 查房 交班 晨")
    static let careVerbs = list("就诊 入院 出院 复查 复诊 手术 住院 门诊 发病 出现 开始 起病 来院 到院 返院 转入 转出")
    static let numeralValues: [UInt32: Int] = {
        var d: [UInt32: Int] = [:]
        for (i, c) in "〇一二三四五六七八九".unicodeScalars.enumerated() { d[c.value] = i }
        d[("零" as Unicode.Scalar).value] = 0; d[("两" as Unicode.Scalar).value] = 2
        return d
    }()
}

struct ChineseDetector {
    let s: [UInt32]
    let minimumAge: Int
    var spans: [PHISpan] = []
    var n: Int { s.count }

    init(scalars: [UInt32], minimumAge: Int) { s = scalars; self.minimumAge = minimumAge }

    func matches(_ word: [UInt32], at i: Int) -> Bool {
        guard i >= 0, i + word.count <= n else { return false }
        for k in 0..<word.count where s[i + k] != word[k] { return false }
        return true
    }
    func isDigitAt(_ i: Int) -> Bool { i >= 0 && i < n && digitValue(s[i]) != nil }
    func isIDChar(_ c: UInt32) -> Bool { digitValue(c) != nil || isASCIILetter(c) || c == 45 }

    mutating func add(_ a: Int, _ b: Int, _ type: PHIType, _ rule: String) {
        if b > a { spans.append(PHISpan(start: a, end: b, type: type, rule: rule)) }
    }

    mutating func run() -> [PHISpan] {
        var i = 0
        while i < n {
            let c = s[i]
            if isCJK(c) && ChineseLexicon.cueStarts.contains(c) {
                scanCues(i)
            }
            if isCJK(c) {
                if ChineseLexicon.provinceAbbrev.contains(c) { plate(i) }
            }
            if c == ("号" as Unicode.Scalar).value || c == ("院" as Unicode.Scalar).value || c == ("所" as Unicode.Scalar).value
                || c == ("心" as Unicode.Scalar).value || c == ("部" as Unicode.Scalar).value || c == ("室" as Unicode.Scalar).value {
                hospital(endingAt: i)
            }
            if c == ("号" as Unicode.Scalar).value { roadNumber(at: i) }
            if c == ("岁" as Unicode.Scalar).value { age(before: i) }
            if c == ("年" as Unicode.Scalar).value || c == ("月" as Unicode.Scalar).value { date(at: i) }
            if c == 46, i >= 1, digitValue(s[i - 1]) != nil { dottedDate(dot: i) }
            if c == 45, i >= 2, digitValue(s[i - 1]) != nil { dashedDate(dash: i) }
            i += 1
        }
        runRecordRules()
        gazetteerPlaces()
        hospitalShortNames()
        estateAddresses()
        return spans
    }

    // MARK: labels and role words

    mutating func scanCues(_ i: Int) {
        for (word, type) in ChineseLexicon.idCues where matches(word, at: i) {
            var j = i + word.count, skip = 0
            while j < n && skip < 4, let u = Unicode.Scalar(s[j]), "：:为是码 #（）()\t".unicodeScalars.contains(u) { j += 1; skip += 1 }
            let a = j
            var digits = 0
            let spaced = type == .vehicle || type == .phone || type == .fax   // 京A 12345, 021-6234 5678
            while j < n && j - a < 40 && (isIDChar(s[j]) || (j > a && (s[j] == 32 || s[j] == 0xB7) && j + 1 < n && isIDChar(s[j + 1]) && spaced)) {
                if digitValue(s[j]) != nil { digits += 1 }
                j += 1
            }
            if type == .vehicle, a < n, ChineseLexicon.provinceAbbrev.contains(s[a]) { plate(a); break }
            if digits >= 4 { add(a, j, type, "zh-id-cue") }
            break
        }
        for cue in ChineseLexicon.leftCues where matches(cue, at: i) {
            // Role words that also follow names (医生, 主任) introduce a name only as a label: 医生：王伟.
            if ChineseLexicon.labelOnlyCues.contains(cue) {
                let k = i + cue.count
                guard k < n, s[k] == 0xFF1A || s[k] == 58 else { break }
            }
            let k = i + cue.count
            let labelled = k < n && (s[k] == 0xFF1A || s[k] == 58)   // 主治医师：X
            nameAfter(k, strong: labelled || ChineseLexicon.strongLeftCues.contains(cue), surnameless: ChineseLexicon.strongLeftCues.contains(cue)); break
        }
        for cue in ChineseLexicon.rightCues where matches(cue, at: i) { nameBefore(i); break }
        for cue in ChineseLexicon.addressCues where matches(cue, at: i) { addressAfter(i + cue.count); break }
        for p in ChineseLexicon.provinces where matches(p, at: i) && (i == 0 || !isCJK(s[i - 1]) || ChineseLexicon.addressStops.contains(s[i - 1])) {
            addressRun(from: i, rule: "zh-address-province"); break
        }
    }

    func isGiven(_ j: Int) -> Bool { j < n && isCJK(s[j]) && !ChineseLexicon.nameStops.contains(s[j]) }

    /// Length of the surname at `j` (2 for compound, 1 for single), or 0.
    func surnameLength(_ j: Int) -> Int {
        if ChineseLexicon.compoundSurnames.contains(where: { matches($0, at: j) }) { return 2 }
        if j < n && ChineseLexicon.surnames.contains(s[j]) { return 1 }
        return 0
    }

    /// `surnameless`: the cue (姓名, 签名, 联系人) vouches for a name without a listed surname (阿依古丽).
    mutating func nameAfter(_ start: Int, strong: Bool, surnameless: Bool = true) {
        var j = start
        while j < n && j - start < 3, let u = Unicode.Scalar(s[j]), "：: 　为是".unicodeScalars.contains(u) { j += 1 }
        let sl = surnameLength(j)
        if sl == 0 {
            // A reply or a verb in the field (拒绝尸检, 同意, 不详) is not a name.
            guard strong, surnameless, j < n, !"拒同不未无已见详略否".unicodeScalars.contains(Unicode.Scalar(s[j]) ?? " ") else { return }
            var e = j
            while e < n && e - j < 4 && isGiven(e) { e += 1 }
            // Without a surname only a run that ends the field counts (姓名：阿依古丽), not a reply (患者：都挺好).
            if e - j >= 2, e >= n || !isCJK(s[e]) || "，。、；（）　".unicodeScalars.contains(Unicode.Scalar(s[e]) ?? " ") { add(j, e, .name, "zh-name-cue") }
            return
        }
        if j + sl < n && s[j + sl] == ("某" as Unicode.Scalar).value { return }   // already anonymised: 张某
        if sl == 1 && j + 1 < n && s[j + 1] == s[j] { return }   // 谢谢, 常常: a doubled word
        if !strong && sl == 1 && ChineseLexicon.weakSurnames.contains(s[j]) { return }
        var e = j + sl
        while e < n && e - (j + sl) < 2 && isGiven(e) { e += 1 }
        if !strong && e == j + sl { return }   // a bare surname after 患者 is more often a word (患者高血压)
        if e < n && (s[e] == ("岁" as Unicode.Scalar).value || s[e] == ("年" as Unicode.Scalar).value) && e - (j + sl) == 2 { e -= 1 }
        // A weak surname (都, 于, 时) after a speaker label is a word unless the name ends the field: 患者：都挺好.
        if sl == 1 && ChineseLexicon.weakSurnames.contains(s[j]), e < n, isCJK(s[e]), !"，。、；（）　".unicodeScalars.contains(Unicode.Scalar(s[e]) ?? " ") { return }
        add(j, e, .name, "zh-name-cue")
    }

    mutating func nameBefore(_ cue: Int) {
        var best = -1
        for len in [4, 3, 2, 1] {
            let a = cue - len
            guard a >= 0 else { continue }
            let sl = surnameLength(a)
            guard sl > 0, sl <= len else { continue }
            if sl == 1 && len == 4 { continue }
            var ok = true
            for k in (a + sl)..<cue where !isGiven(k) { ok = false }
            if !ok { continue }
            if best >= 0 { if !(sl == 1 && ChineseLexicon.weakSurnames.contains(s[best])) { continue } }
            if best < 0 { best = a; if !(sl == 1 && ChineseLexicon.weakSurnames.contains(s[a])) { break } }
            else { best = a; break }
        }
        guard best >= 0, !(best > 0 && s[best - 1] == ("某" as Unicode.Scalar).value) else { return }
        if ChineseLexicon.weakSurnames.contains(s[best]) { return }   // 来问问医生, 时间医生: words, not names
        // A bare surname (王医生) only after a boundary or a verb of address, and never a weak surname.
        if cue - best == 1 {
            if ChineseLexicon.weakSurnames.contains(s[best]) { return }
            if best > 0, isCJK(s[best - 1]), !ChineseLexicon.addressVerbs.contains(s[best - 1]),
               !"科日约警友".unicodeScalars.contains(Unicode.Scalar(s[best - 1]) ?? " ") { return }   // 心内科罗教授, 5月28日史主任, 交警齐警官
        }
        add(best, cue, .name, "zh-name-role")
    }

    // MARK: addresses

    mutating func addressAfter(_ start: Int) {
        var j = start
        while j < n && j - start < 3, let u = Unicode.Scalar(s[j]), "：: 为是于在".unicodeScalars.contains(u) { j += 1 }
        var e = j
        while e < n && e - j < 60 && !ChineseLexicon.addressStops.contains(s[e]) && !isNewline(s[e]) { e += 1 }
        if e - j >= 2 { add(j, e, .address, "zh-address-cue") }
    }

    mutating func addressRun(from start: Int, rule: String) {
        var e = start, lastAdmin = -1, admins = 0
        while e < n && e - start < 60 {
            let c = s[e]
            if ChineseLexicon.addressStops.contains(c) || isNewline(c) { break }
            guard isCJK(c) || isIDChar(c) || c == 35 else { break }
            if ChineseLexicon.adminChars.contains(c) || digitValue(c) != nil { lastAdmin = e; if ChineseLexicon.adminChars.contains(c) { admins += 1 } }
            e += 1
        }
        if admins >= 2 && lastAdmin > start { add(start, lastAdmin + 1, .address, rule) }
    }

    /// `中山路88号`, `建国路88号3号楼2单元501室`: a road word, digits, 号, anchored at the 号.
    mutating func roadNumber(at i: Int) {
        var d = i - 1
        while d >= 0 && isDigitAt(d) { d -= 1 }
        guard d < i - 1, d >= 1, let u = Unicode.Scalar(s[d]), "路街道巷弄里村".unicodeScalars.contains(u) else { return }
        var a = d
        while a - 1 >= 0 && d - a < 12 && isCJK(s[a - 1]) && !ChineseLexicon.hospitalStops.contains(s[a - 1]) { a -= 1 }
        var e = i + 1
        while e < n && e - i < 20 && (isCJK(s[e]) || isDigitAt(e) || s[e] == 45) && !ChineseLexicon.addressStops.contains(s[e]) {
            if let v = Unicode.Scalar(s[e]), "楼栋单元室层号".unicodeScalars.contains(v) || isDigitAt(e) { e += 1 } else { break }
        }
        add(a, e, .address, "zh-address-road")
    }

    // MARK: hospitals

    mutating func hospital(endingAt i: Int) {
        for suffix in ChineseLexicon.hospitalSuffixes {
            let a0 = i + 1 - suffix.count
            guard a0 >= 0, matches(suffix, at: a0) else { continue }
            var a = a0
            while a - 1 >= 0 && a0 - a < 15 && (isCJK(s[a - 1]) || isDigitAt(a - 1)) && !ChineseLexicon.hospitalStops.contains(s[a - 1]) {
                // 和 ends the name unless it is part of 协和.
                if s[a - 1] == ("和" as Unicode.Scalar).value && !(a - 2 >= 0 && s[a - 2] == ("协" as Unicode.Scalar).value) { break }
                a -= 1
            }
            guard a0 - a >= 2 else { return }
            let prefix = Array(s[a..<a0])
            if ChineseLexicon.vaguePrefixes.contains(prefix) { return }
            let anchored = (a..<a0).contains { k in
                ChineseLexicon.hospitalAnchors.contains { matches($0, at: k) } || ChineseLexicon.provinces.contains { matches($0, at: k) }
            }
            // Without a place in it, a hospital's name counts where a name is expected: heading a line
            // (`长安医院`, `養和醫院` in a letterhead) or after a verb of going or sending (转至长安医院).
            if !anchored {
                let before = a > 0 ? s[a - 1] : 10
                guard before == 10 || "：:".unicodeScalars.contains(Unicode.Scalar(before) ?? " "), a0 - a >= 2, a0 - a <= 8,
                      !(a..<a0).contains(where: { ChineseLexicon.genericHospitalChars.contains(s[$0]) }) else { return }
            }
            var e = i + 1
            // A department right after: 心内科, 急诊科, 消化内科病区.
            var k = e
            while k < n && k - e < 6 && isCJK(s[k]) && !ChineseLexicon.departmentStops.contains(s[k]) {
                k += 1
                if s[k - 1] == ("科" as Unicode.Scalar).value || (k - 2 >= e && matches(Array("病区".unicodeScalars.map { $0.value }), at: k - 2)) { e = k }
            }
            add(a, e, .hospital, "zh-hospital")
            return
        }
    }

    // MARK: plates, ages, dates

    mutating func plate(_ i: Int) {
        guard i + 6 < n + 1, i + 1 < n, isASCIIUpper(s[i + 1]) else { return }
        var j = i + 2
        if j < n && (s[j] == 0xB7 || s[j] == 0x30FB || s[j] == 46 || s[j] == 32 || s[j] == 45) { j += 1 }
        let a = j
        var digits = 0
        while j < n && j - a < 6 && (isASCIIUpper(s[j]) || isASCIIDigit(s[j])) { if isASCIIDigit(s[j]) { digits += 1 }; j += 1 }
        let len = j - a
        if (len == 5 || len == 6) && digits >= 1 && !(j < n && (isASCIIUpper(s[j]) || isASCIIDigit(s[j]))) { add(i, j, .vehicle, "zh-plate") }
    }

    /// Reads a number ending right before `end` (digits, or Chinese numerals such as 九十二), returning (start, value).
    func numberBefore(_ end: Int) -> (Int, Int)? {
        var a = end
        while a - 1 >= 0 && isDigitAt(a - 1) && end - a < 6 { a -= 1 }
        if a < end {
            var v = 0
            for k in a..<end { v = v * 10 + (digitValue(s[k]) ?? 0) }
            return (a, v)
        }
        while a - 1 >= 0 && end - a < 8, ChineseLexicon.numeralValues[s[a - 1]] != nil || s[a - 1] == 0x5341 || s[a - 1] == 0x767E { a -= 1 }
        guard a < end, let v = chineseNumber(a, end) else { return nil }
        return (a, v)
    }

    /// Value of Chinese numerals in `s[a..<b]`: 九十二 = 92, 一百零二 = 102, 二〇二三 = 2023.
    func chineseNumber(_ a: Int, _ b: Int) -> Int? {
        var total = 0, current = 0, sawUnit = false, digitString = 0, allDigits = true
        for k in a..<b {
            let c = s[k]
            if let d = ChineseLexicon.numeralValues[c] { current = d; digitString = digitString * 10 + d }
            else if c == 0x5341 { total += (current == 0 ? 1 : current) * 10; current = 0; sawUnit = true; allDigits = false }   // 十
            else if c == 0x767E { total += (current == 0 ? 1 : current) * 100; current = 0; sawUnit = true; allDigits = false }  // 百
            else { return nil }
        }
        if allDigits && !sawUnit { return digitString }
        return total + current
    }

    mutating func age(before i: Int) {
        var end = i
        if end >= 1 && s[end - 1] == ("周" as Unicode.Scalar).value { end -= 1 }
        guard let (a, v) = numberBefore(end), v >= minimumAge, v <= 130 else { return }
        // The span keeps 岁 / 周岁, as the age is written (`92岁`, `九十五周岁`).
        add(a, i + 1, .age, "zh-age")
    }

    /// Anchored at 年 or 月: 2023年5月4日, 二〇二三年五月四日, 2023年5月, 5月4日 / 5月4号.
    mutating func date(at i: Int) {
        let isYear = s[i] == ("年" as Unicode.Scalar).value
        guard let (a, v) = numberBefore(i) else { return }
        if isYear {
            // Taiwan's Minguo years (`民國112年3月5日`, `112年1月`): three digits from 1 to 130 before a month.
            let minguo = i - a == 3 && v >= 1 && v <= 130 && !isDigitAt(a - 1)
            guard (v >= 1900 && v <= 2100) || (i - a == 2 && v <= 99) || minguo, i + 1 < n else { return }
            // Month after the year.
            var j = i + 1
            while j < n && j - i <= 3 && (isDigitAt(j) || ChineseLexicon.numeralValues[s[j]] != nil || s[j] == 0x5341) { j += 1 }
            guard j > i + 1, j < n, s[j] == ("月" as Unicode.Scalar).value, let m = value(i + 1, j), m >= 1 && m <= 12 else { return }
            // `民国` / `民國` before a Minguo year belongs to the date.
            let era = minguo && a >= 2 && s[a - 2] == 0x6C11 && s[a - 1] == 0x56FD ? a - 2 : a
            add(era, dayEnd(after: j) ?? j + 1, .date, "zh-date")
        } else {
            // Month-day without a year; a year-led date is already taken at its 年.
            if a >= 1 && s[a - 1] == ("年" as Unicode.Scalar).value { return }
            guard v >= 1 && v <= 12 else { return }
            if a >= 1 && (s[a - 1] == ("个" as Unicode.Scalar).value) { return }
            if let e = dayEnd(after: i) { add(a, e, .date, "zh-date"); return }
            monthAlone(a, i)
        }
    }

    /// `2月`, `8月底`, `12月中旬`: a month of the record's year in Arabic digits. Not a duration
    /// (`近2月`, `病史3月`, `2月后复查`, `孕3月`) nor an age in months (`6月龄`), nor `月经`.
    mutating func monthAlone(_ a: Int, _ i: Int) {
        guard isDigitAt(a), i - a <= 2, a == 0 || !isDigitAt(a - 1) && s[a - 1] != 46 else { return }
        if a >= 1, ChineseLexicon.durationBeforeMonth.contains(s[a - 1]) || s[a - 1] == 45 || s[a - 1] == 0x3001 || s[a - 1] == 0x5C81 { return }
        if i + 1 < n, ChineseLexicon.durationAfterMonth.contains(s[i + 1]) { return }
        // `3月份`, `8月底`, `6月初`, `7月中旬` keep their tail and are months; a bare `N月` is one only after a
        // word that points to a time (`于2月`, `到2月时`, `是1月`, `今年3月`) — `乏力1月` in a complaint is a duration.
        var e = i + 1
        if e < n, s[e] == 0x4EFD || s[e] == 0x5E95 || s[e] == 0x521D || s[e] == 0x672B { e += 1 }   // 份 底 初 末
        else if e + 1 < n, s[e] == 0x4E2D || s[e] == 0x4E0A || s[e] == 0x4E0B, s[e + 1] == 0x65EC { e += 2 }   // 中旬 上旬 下旬
        if e == i + 1 {
            let before = a >= 1 ? s[a - 1] : 0
            let yearWord = a >= 2 && s[a - 1] == 0x5E74 && "今去明前".unicodeScalars.contains(Unicode.Scalar(s[a - 2]) ?? " ")
            guard ChineseLexicon.monthCueChars.contains(before) || yearWord else { return }
        }
        add(a, e, .date, "zh-month")
    }

    /// `3.11`, `8.15 夜班`, `2.26 22:41`, `于3.11就诊`, `3.11-3.15`: a month and day joined by a dot, read as a
    /// date only where a decimal cannot stand (a clock time or a shift after it, a line start with a
    /// header word, 于 + a verb of care, a range of two such dates).
    mutating func dottedDate(dot d: Int) {
        guard d >= 1, d + 1 < n else { return }
        var a = d
        while a - 1 >= 0, d - a < 2, digitValue(s[a - 1]) != nil { a -= 1 }
        var e = d + 1
        while e < n, e - d <= 2, digitValue(s[e]) != nil { e += 1 }
        guard a < d, e > d + 1, let m = value(a, d), let day = value(d + 1, e), Checksums.validDay(m, day) else { return }
        // Not inside a longer number, a version or a decimal with a unit.
        if a >= 1, digitValue(s[a - 1]) != nil || s[a - 1] == 46 || isASCIILetter(s[a - 1]) { return }
        if e < n, digitValue(s[e]) != nil || s[e] == 46 || s[e] == 37 || isASCIILetter(s[e]) || ChineseLexicon.unitChars.contains(s[e]) { return }
        var k = e
        while k < n, s[k] == 32 || s[k] == 0x3000, k - e < 3 { k += 1 }
        // A clock time after (`2.26 22:41`, `01.16 08:00`).
        if k + 3 < n, digitValue(s[k]) != nil, s[k + 1] == 58 || s[k + 2] == 58 || s[k + 1] == 0xFF1A || s[k + 2] == 0xFF1A {
            add(a, e, .date, "zh-dotted-date"); return
        }
        // A shift or a round after (`8.15 夜班`, `5.6 上午查房`).
        if ChineseLexicon.shiftWords.contains(where: { matches($0, at: k) }) { add(a, e, .date, "zh-dotted-date"); return }
        // 于 / 至 before and a verb of care after (`于3.11就诊`), or a range (`3.11-3.15`).
        let before = a >= 1 ? s[a - 1] : 0
        if before == 0x4E8E, ChineseLexicon.careVerbs.contains(where: { matches($0, at: e) }) { add(a, e, .date, "zh-dotted-date"); return }
        if e + 3 < n, s[e] == 45 || s[e] == 0x2014 || s[e] == 126 || s[e] == 0xFF5E, digitValue(s[e + 1]) != nil {
            var f = e + 1
            while f < n, f - e <= 2, digitValue(s[f]) != nil { f += 1 }
            guard f + 1 < n, s[f] == 46 else { return }
            var g = f + 1
            while g < n, g - f <= 2, digitValue(s[g]) != nil { g += 1 }
            // Not a reference range (`3.5-5.3 mmol/L`, `（3.5-5.1）`, `3.9-6.1，`): Chinese text after it, no bracket or digit before.
            let opened = a >= 1 && (s[a - 1] == 40 || s[a - 1] == 0xFF08 || s[a - 1] == 32 || s[a - 1] == 0x3000 || s[a - 1] == 0x5728)
            if !opened, g > f + 1, g < n, isCJK(s[g]), !ChineseLexicon.unitChars.contains(s[g]),
               let m2 = value(e + 1, f), let d2 = value(f + 1, g), Checksums.validDay(m2, d2) {
                add(a, e, .date, "zh-dotted-date"); add(e + 1, g, .date, "zh-dotted-date")
            }
        }
    }

    /// `05-04 皮肤科`, `交班 06-19 患儿…`: a zero-padded month and day with a hyphen at a line start (or after a
    /// record heading) followed by Chinese text.
    mutating func dashedDate(dash d: Int) {
        guard d >= 2, d + 2 < n, isDigitAt(d - 1), isDigitAt(d - 2), isDigitAt(d + 1), isDigitAt(d + 2) else { return }
        let a = d - 2, e = d + 3
        if a >= 1, isDigitAt(a - 1) || s[a - 1] == 45 || s[a - 1] == 46 || s[a - 1] == 47 { return }
        if e < n, isDigitAt(e) || s[e] == 45 || s[e] == 46 || s[e] == 47 { return }
        guard let m = value(a, d), let day = value(d + 1, e), Checksums.validDay(m, day) else { return }
        var k = e
        while k < n, s[k] == 32 || s[k] == 0x3000, k - e < 3 { k += 1 }
        guard k < n, isCJK(s[k]) else { return }
        var p = a - 1
        while p >= 0, s[p] == 32 || s[p] == 0x3000 || s[p] == 9 { p -= 1 }
        let lineStart = p < 0 || isNewline(s[p])
        let afterHeading = p >= 1 && ChineseLexicon.shiftWords.contains(where: { $0.count == 2 && matches($0, at: p - 1) })
        if lineStart || afterHeading { add(a, e, .date, "zh-dashed-date") }
    }

    func value(_ a: Int, _ b: Int) -> Int? {
        if isDigitAt(a) { var v = 0; for k in a..<b { guard let d = digitValue(s[k]) else { return nil }; v = v * 10 + d }; return v }
        return chineseNumber(a, b)
    }

    /// End (exclusive) of `D日` / `D号` after the 月 at `m`, or nil.
    func dayEnd(after m: Int) -> Int? {
        var j = m + 1
        while j < n && j - m <= 3 && (isDigitAt(j) || ChineseLexicon.numeralValues[s[j]] != nil || s[j] == 0x5341) { j += 1 }
        guard j > m + 1, j < n, s[j] == ("日" as Unicode.Scalar).value || s[j] == ("号" as Unicode.Scalar).value,
              let d = value(m + 1, j), d >= 1 && d <= 31 else { return nil }
        return j + 1
    }
}

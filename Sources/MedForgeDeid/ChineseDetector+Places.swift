// Cities, districts and neighbourhoods named alone in Chinese text (`在深圳做嘢`, `住沙田`, `自台中趕來`,
// `我们是赣州于都县的`): a hand-written gazetteer of mainland prefecture-level cities, Hong Kong districts
// and estates' areas, and Taiwan cities and districts. Under Safe Harbor a city is PHI; the four
// province-level municipalities, provinces, Hong Kong, Macau and Taiwan as regions are not. Names that
// are also everyday words (安康, 日照, 开封, 中和, 淡水) are left out or taken only with 区/县/市/镇 after them.

extension ChineseLexicon {
    private static let mainlandCities = """
    深圳 广州 杭州 南京 武汉 成都 西安 苏州 沈阳 大连 青岛 厦门 长沙 郑州 济南 哈尔滨 昆明 南宁 合肥 福州 南昌 石家庄 \
    太原 兰州 贵阳 乌鲁木齐 呼和浩特 银川 西宁 拉萨 海口 宁波 无锡 温州 佛山 东莞 珠海 长春 \
    唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁 乌海 赤峰 \
    通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 海拉尔 满洲里 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 葫芦岛 \
    辽源 通化 松原 白城 延吉 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 徐州 常州 南通 \
    连云港 淮安 盐城 扬州 镇江 泰州 宿迁 昆山 江阴 嘉兴 湖州 绍兴 衢州 舟山 台州 丽水 义乌 芜湖 蚌埠 淮南 马鞍山 \
    淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城 莆田 泉州 漳州 南平 龙岩 宁德 三明 景德镇 萍乡 九江 新余 \
    鹰潭 赣州 吉安 宜春 抚州 上饶 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 临沂 聊城 滨州 菏泽 洛阳 平顶山 安阳 鹤壁 \
    新乡 焦作 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 株洲 \
    湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 韶关 汕头 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 \
    清远 潮州 揭阳 云浮 柳州 桂林 梧州 北海 钦州 贵港 玉林 百色 贺州 河池 崇左 三亚 儋州 自贡 攀枝花 泸州 德阳 绵阳 \
    广元 遂宁 内江 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 六盘水 遵义 毕节 铜仁 曲靖 玉溪 保山 昭通 丽江 临沧 大理 \
    景洪 宝鸡 咸阳 渭南 延安 汉中 榆林 商洛 天水 武威 张掖 酒泉 平凉 庆阳 陇南 嘉峪关 金昌 格尔木 石嘴山 吴忠 固原 \
    克拉玛依 喀什 阿克苏 伊宁 库尔勒 哈密 吐鲁番 日喀则 林芝 昌都
    """
    private static let hongKongAreas = """
    沙田 屯門 元朗 觀塘 葵涌 柴灣 天水圍 將軍澳 荃灣 大埔 上水 粉嶺 西貢 深水埗 旺角 油麻地 尖沙咀 紅磡 土瓜灣 何文田 \
    九龍塘 長沙灣 石硤尾 黃大仙 慈雲山 鑽石山 牛頭角 藍田 秀茂坪 坑口 青衣 東涌 大圍 火炭 銅鑼灣 北角 鰂魚涌 筲箕灣 \
    香港仔 鴨脷洲 薄扶林 跑馬地 灣仔 中環 上環 西環 堅尼地城 西營盤 九龍城 葵青 錦田 流浮山 大嶼山 長洲 南丫島 坪洲 \
    炮台山 杏花邨 小西灣 調景嶺 橫頭磡 新蒲崗 九龍灣 油塘 鯉魚門 大角咀 美孚 荔枝角 又一村 氹仔 路環
    """
    private static let taiwanAreas = """
    台北 臺北 新北 桃園 台中 臺中 台南 臺南 高雄 基隆 新竹 嘉義 苗栗 彰化 南投 雲林 屏東 宜蘭 花蓮 台東 臺東 澎湖 \
    金門 馬祖 板橋 新莊 新店 土城 蘆洲 汐止 鶯歌 三峽 林口 五股 士林 北投 內湖 南港 文山 萬華 松山 鳳山 左營 苓雅 前鎮 \
    楠梓 岡山 旗山 美濃 竹北 頭份 員林 斗六 羅東 礁溪 蘇澳 北屯 西屯 南屯 豐原 大里 新營 善化 麻豆 佳里 中壢 平鎮 \
    龜山 八德 楊梅 蘆竹 大溪 竹東 湖口 竹南 後龍 鹿港 和美 北斗 二林 溪湖 埔里 草屯 虎尾 西螺 北港 斗南 東港 恆春 \
    玉里 馬公 金城 永和
    """
    /// Place names that are also ordinary words: only with an administrative suffix (`淡水區`, `中和區`, `安康市`).
    private static let suffixOnlyPlaces = """
    安康 日照 开封 来宾 白银 普洱 德州 安顺 大同 中山 吉林 朝阳 金华 乐山 四平 包头 中卫 白山 濮阳 \
    杨梅 林口 和美 北斗 大溪 湖口 玉里 金城 麻豆 善化 八德 大里 二林 溪湖 北港 東港 竹東 新店 五股 文山 松山 美孚 火炭 青衣 \
    上水 油塘 坑口 大圍 長洲 坪洲 美濃 通化 士林 保定 天水 长春 吉安 平凉 白城 \
    中和 淡水 樹林 三重 太平 永康 安平 成功 信義 大安 中正 泰山 田中 太子 彩虹 太古 天后 順利 樂富 寶琳 東區 南區 北區 中西區
    """
    static let suffixOnlyPlaceSet: Set<[UInt32]> = Set(list(suffixOnlyPlaces.replacingOccurrences(of: "\\", with: "")).map(simplifiedEntry))
    static let cityGazetteer: [UInt32: [[UInt32]]] = {
        var table: [UInt32: [[UInt32]]] = [:]
        let all = (mainlandCities + " " + hongKongAreas + " " + taiwanAreas + " " + suffixOnlyPlaces).replacingOccurrences(of: "\\", with: "")
        for word in list(all).map(simplifiedEntry) where word.count >= 2 { table[word[0], default: []].append(word) }
        for key in table.keys { table[key]!.sort { $0.count > $1.count } }   // longest first
        return table
    }()
    static let placeSuffixChars = chars("市区县镇乡")
    /// After a place name these make another word (`大理石`, `北海道`, `哈密瓜`).
    static let placeWordContinuations = chars("石花道藤瓜")

    static func simplifiedEntry(_ word: [UInt32]) -> [UInt32] { word.map { traditionalToSimplified[$0] ?? $0 } }
}

extension ChineseDetector {
    /// Gazetteer places, longest first; a province or municipality name (`浙江`, `湖南`) is read first so that
    /// `浙江门诊` and `湖南通过` are not taken for `江门` or `南通`.
    mutating func gazetteerPlaces() {
        var i = 0
        while i < n {
            let c = s[i]
            guard isCJK(c) else { i += 1; continue }
            if let province = ChineseLexicon.provinceLeads[c]?.first(where: { matches($0, at: i) }),
               !(ChineseLexicon.cityGazetteer[c]?.contains { $0.count > province.count && matches($0, at: i) } ?? false) {
                i += province.count; continue
            }
            guard let words = ChineseLexicon.cityGazetteer[c], let word = words.first(where: { matches($0, at: i) }) else { i += 1; continue }
            var e = i + word.count
            let suffixed = e < n && ChineseLexicon.placeSuffixChars.contains(s[e])
            if suffixed { e += 1 }
            if !suffixed {
                if ChineseLexicon.suffixOnlyPlaceSet.contains(word) { i += word.count; continue }
                if e < n, ChineseLexicon.placeWordContinuations.contains(s[e]) { i += word.count; continue }
            }
            add(i, e, .city, "zh-city-gazetteer")
            i = e
        }
    }
}

extension ChineseLexicon {
    /// Provinces and province-level municipalities by first character, longest first (not PHI themselves).
    static let provinceLeads: [UInt32: [[UInt32]]] = {
        var table: [UInt32: [[UInt32]]] = [:]
        for word in list("北京 天津 上海 重庆 河北 山西 辽宁 吉林省 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门") {
            table[word[0], default: []].append(word)
        }
        for key in table.keys { table[key]!.sort { $0.count > $1.count } }
        return table
    }()
}

extension ChineseLexicon {
    /// Hospitals named by their common short names (`浙一`, `省人医`, `湘雅二院`, `養和`, `長庚`, `榮總`), which
    /// carry no 医院 for the suffix rule to find. Short names that are also words or places (长征, 天坛, 同仁,
    /// 青山, 瑪麗) are left to the suffix rule and the tagger.
    private static let hospitalShortNameList = """
    协和 华西 湘雅 湘雅一院 湘雅二院 湘雅三院 瑞金 华山 仁济 长海 阜外 安贞 积水潭 北医三院 北大一院 北大三院 北大人民 \
    中日友好 解放军总医院 同济 西京 西南医院 盛京 郑大一附院 哈医大一院 吉大一院 中山一院 中山二院 中山三院 中大五院 \
    浙一 浙二 邵逸夫 省人医 省医 市一院 市二院 市三院 市中医院 复旦肿瘤 301医院 兰大二院 兰大一院 川大华西 重医附一院 \
    伊利沙伯 廣華 明愛 瑪嘉烈 養和 港安 聖保祿 靈實 那打素 \
    台大 臺大 長庚 榮總 北榮 中榮 高榮 馬偕 亞東 奇美 成大 彰基 慈濟 萬芳 雙和 北醫 三總 高醫
    """
    static let hospitalShortNames: [UInt32: [[UInt32]]] = {
        var table: [UInt32: [[UInt32]]] = [:]
        for word in list(hospitalShortNameList.replacingOccurrences(of: "\\", with: "")).map(simplifiedEntry) { table[word[0], default: []].append(word) }
        for key in table.keys { table[key]!.sort { $0.count > $1.count } }
        return table
    }()
    /// After a short name these make it another word (`省医保`, `协和作用`, `华山论剑`): no hospital.
    static let hospitalShortNameBreaks = chars("保疗学药生师科务作论派剑大")
}

extension ChineseDetector {
    mutating func hospitalShortNames() {
        var i = 0
        while i < n {
            guard isCJK(s[i]) || isDigitAt(i), let words = ChineseLexicon.hospitalShortNames[s[i]],
                  let word = words.first(where: { matches($0, at: i) }) else { i += 1; continue }
            var e = i + word.count
            if e < n, ChineseLexicon.hospitalShortNameBreaks.contains(s[e]) { i = e; continue }
            if e + 1 < n, s[e] == 0x533B, s[e + 1] == 0x9662 { e += 2 }   // `瑞金医院`, `台大醫院`
            if i > 0, isDigitAt(i - 1) { i = e; continue }   // `1301医院` is not 301
            add(i, e, .hospital, "zh-hospital-short")
            i = e
        }
    }
}

extension ChineseDetector {
    /// Hong Kong public-housing addresses anchored on 邨 (`禾輋邨豐和樓12樓1207室`, `天瑞邨瑞康樓1516室`, `安定邨定泰樓`,
    /// `天恩邨`): the estate's name, then a block ending in 樓/座/閣, a floor and a flat.
    mutating func estateAddresses() {
        var i = 1
        while i < n {
            defer { i += 1 }
            guard s[i] == 0x90A8 else { continue }   // 邨
            var a = i
            while a - 1 >= 0, i - a < 4, isCJK(s[a - 1]), !ChineseLexicon.estateStops.contains(s[a - 1]) { a -= 1 }
            // A district found before it stays a city of its own (`沙田` + `禾輋邨…`).
            for span in spans where span.type == .city && span.end > a && span.end <= i && span.start < a + 4 { a = span.end }
            guard a < i else { continue }
            var e = i + 1
            // A block: up to four characters and 楼/座/阁.
            var b = e
            while b < n, b - e < 4, isCJK(s[b]), !ChineseLexicon.blockEnds.contains(s[b]), !ChineseLexicon.estateStops.contains(s[b]) { b += 1 }
            if b < n, b > e, ChineseLexicon.blockEnds.contains(s[b]) { e = b + 1 }
            // A floor and a flat: `12樓1207室`, `1516室`, `地下`.
            var d = e
            while d < n, d - e < 8, isDigitAt(d) || s[d] == 0x697C || s[d] == 0x5C42 || s[d] == 0x5BA4 || isASCIILetter(s[d]) { d += 1 }
            if d > e, s[d - 1] == 0x5BA4 || s[d - 1] == 0x697C { e = d }
            if e + 1 < n, s[e] == 0x5730, s[e + 1] == 0x4E0B { e += 2 }   // 地下
            add(a, e, .address, "hk-estate-address")
            i = e
        }
    }
}

extension ChineseLexicon {
    /// Characters that end an estate name on the left or a block name on the right.
    static let estateStops = chars("，。；;,.!?！？、（）()【】“”\"' \t\n:：的住在喺于於去到从從与及是为係")
    static let blockEnds = chars("楼座阁閣")
}

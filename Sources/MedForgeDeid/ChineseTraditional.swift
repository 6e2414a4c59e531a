// Traditional Chinese characters mapped one-to-one onto their simplified forms, so that the Chinese
// rules (written against simplified cue words, surnames and place suffixes) also read Hong Kong and
// Taiwan records: 醫院 -> 医院, 電話 -> 电话, 陳 -> 陈. The mapping is character for character, so span
// offsets found on the mapped copy are offsets into the original text. Hand-written table of the
// characters that occur in record headers, addresses, institutions and common surnames.

extension ChineseLexicon {
    private static let traditionalPairs = """
    醫医 師师 電电 話话 號号 區区 縣县 鎮镇 鄉乡 樓楼 證证 護护 診诊 齡龄 歲岁 門门 東东 廣广 臺台 灣湾 \
    陳陈 張张 劉刘 黃黄 楊杨 趙赵 吳吴 孫孙 馬马 羅罗 鄭郑 謝谢 許许 韓韩 馮冯 鄧邓 蕭萧 蔣蒋 葉叶 蘇苏 \
    呂吕 盧卢 鍾钟 譚谭 陸陆 賈贾 韋韦 閆闫 龍龙 賀贺 顧顾 龔龚 萬万 錢钱 嚴严 湯汤 歐欧 陽阳 諸诸 聶聂 \
    療疗 聯联 絡络 處处 術术 婦妇 兒儿 親亲 屬属 簽签 險险 銀银 車车 郵邮 編编 碼码 戶户 層层 棟栋 單单 \
    學学 業业 職职 員员 會会 內内 產产 檢检 驗验 報报 記记 錄录 週周 時时 間间 機机 傳传 網网 歷历 檔档 \
    長长 華华 國国 園园 濟济 灣湾 萊莱 麗丽 鳳凤 雲云 龍龙 紅红 綠绿 藍蓝 寶宝 貴贵 衛卫 輝辉 偉伟 強强 \
    軍军 華华 暉晖 潔洁 靜静 蓮莲 葉叶 鳴鸣 鵬鹏 飛飞 際际 滬沪 渝渝 蘭兰 淩凌 豐丰 艷艳 顏颜 鄒邹 \
    譚谭 餘余 齊齐 薑姜 趙赵 婁娄 喬乔 倫伦 錦锦 華华 盤盘 項项 範范 黨党 閻阎 廬庐 莊庄 聞闻 \
    現现 話话 號号 這这 該该 與与 後后 從从 對对 為为 發发 紀纪 齒齿 眾众 實实 習习 條条 線线 \
    號号 縣县 區区 鄰邻 將将 關关 開开 環环 灣湾 縣县 轄辖 鐵铁 線线 鋪铺 樂乐 場场 廠厂 廳厅 \
    診诊 療疗 醫医 藥药 劑剂 術术 瘡疮 癥症 腫肿 瘤瘤 壓压 腦脑 腸肠 膽胆 腎肾 齡龄 體体 溫温 \
    協协 榮荣 凱凯 傑杰 節节 慶庆 聖圣 誕诞 臘腊 \
    聽听 說说 請请 謝谢 讓让 給给 錢钱 費费 賬账 帳帐 繳缴 辦办 稱称 幣币 貨货 價价
    """
    /// Traditional -> simplified, one scalar for one scalar.
    static let traditionalToSimplified: [UInt32: UInt32] = {
        var map: [UInt32: UInt32] = [:]
        for pair in traditionalPairs.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\\" }) {
            let u = Array(pair.unicodeScalars)
            if u.count == 2, u[0] != u[1] { map[u[0].value] = u[1].value }
        }
        return map
    }()

    /// A copy of `s` with traditional characters replaced by simplified ones (same length), or `s` itself
    /// when it has none.
    static func simplified(_ s: [UInt32]) -> [UInt32] {
        guard s.contains(where: { traditionalChars.contains($0) }) else { return s }
        return s.map { traditionalChars.contains($0) ? traditionalToSimplified[$0] ?? $0 : $0 }
    }
    static let traditionalChars = ScalarBitmap(traditionalToSimplified.keys)
}

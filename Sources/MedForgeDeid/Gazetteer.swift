// Place names the English detectors look up: the GeoNames-derived lists in PlaceLists.swift plus the
// hand-written ones in Lexicon. Keys have ASCII letters upper-cased (as upperKey does), words joined by one space or a hyphen.
//
// Policy (HIPAA Safe Harbor): geographic subdivisions smaller than a state are PHI — cities, towns,
// counties, streets and ZIP codes — and are reported as CITY / ADDRESS / ZIP. Countries and US states
// are not PHI: they are never reported, and serve only as context (a postcode after `Estonia`).

enum Gazetteer {
    static func lines(_ text: String) -> Set<String> {
        Set(text.split(separator: "\n").map { String($0.drop(while: { $0 == " " })) }.filter { !$0.isEmpty })
    }

    /// Cities, towns and counties (smaller than a state), minus words the detectors treat as common.
    static let places: Set<String> = lines(PlaceLists.cities).union(lines(PlaceLists.usCounties))
        .subtracting(Lexicon.commonWords).union(Lexicon.cities).union(Lexicon.twoWordCities)

    /// Countries and US states: context only, never reported.
    static let regions: Set<String> = lines(PlaceLists.countries).union(lines(PlaceLists.usStates))
        .union(["UNITED STATES", "UNITED KINGDOM", "USA", "UK", "ENGLAND", "SCOTLAND", "WALES", "NORTHERN IRELAND", "GREAT BRITAIN", "BRITAIN"])
        // Other names in common use for countries the list spells one way.
        .union(["NETHERLANDS", "HOLLAND", "CZECH REPUBLIC", "BURMA", "SWAZILAND", "MACEDONIA", "EAST TIMOR", "CAPE VERDE",
                "VATICAN CITY", "KOREA", "PALESTINE", "DEMOCRATIC REPUBLIC OF THE CONGO", "CONGO"])
        .union(["AFRICA", "ASIA", "EUROPE", "OCEANIA", "ANTARCTICA", "NORTH AMERICA", "SOUTH AMERICA", "CENTRAL AMERICA",
                "LATIN AMERICA", "MIDDLE EAST", "SCANDINAVIA", "CARIBBEAN"])   // continents and regions: not PHI either

    /// First words of the multi-word names in either list, so longer keys are only built when one can match.
    static let multiWordStarts: Set<String> = {
        var out: Set<String> = []
        for name in places.union(regions) {
            if let cut = name.firstIndex(where: { $0 == " " || $0 == "-" }) { out.insert(String(name[..<cut])) }
        }
        return out
    }()

    /// Lower-case words allowed inside a multi-word place name (`Villafranca del Cid`).
    static let connectors: Set<String> = ["DE", "DEL", "DELLA", "DI", "DA", "DO", "DOS", "DAS", "LA", "LE", "LES", "EL", "AM", "IM", "AN", "ON", "UPON", "SUR", "EN", "Y", "VON", "VAN", "OF"]

    /// Longest place name is this many words.
    static let maxWords = 4
}

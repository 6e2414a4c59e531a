// Word lists the English detectors consult. Keys are upper-case. Name lists come from the
// US Census 1990 files embedded in NameLists.swift and the international given names in
// GivenNameLists.swift; place names are in Gazetteer; everything else here is hand-written.

enum Lexicon {
    static func words(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { $0.uppercased() })
    }

    static let firstNames: Set<String> = rawFirstNames.subtracting(commonWords)
    /// Given names from many countries (GivenNameLists.swift), trusted only before a second capitalised word.
    static let internationalFirstNames: Set<String> = words(GivenNameLists.international).subtracting(commonWords)

    /// Surname -> frequency rank (1 = most common).
    static let surnameRank: [String: Int] = {
        var d: [String: Int] = [:]
        for (i, w) in NameLists.surnames.split(whereSeparator: { $0 == " " || $0 == "\n" }).enumerated() {
            let key = String(w)
            if d[key] == nil { d[key] = i + 1 }
        }
        return d
    }()

    /// Capitalised words that are names in the census lists but far more often English, clinical
    /// or eponymous terms. They are never taken as names from the dictionaries alone.
    static let commonWords: Set<String> = words("""
    a an the and or but if of in on at to for from by with without as is are was were be been being
    he she it they we you i me him her his hers its their them our us your my mine this that these those
    who whom whose which what when where why how all any some no not none one two three four five six
    seven eight nine ten first second third last next new old young good well better best bad worse
    worst high low left right upper lower normal stable fair poor mild moderate severe acute chronic
    today tomorrow yesterday tonight now then soon later early late day days week weeks month months
    year years hour hours minute minutes time times date am pm morning evening night noon midnight
    may will can could shall should would might must did does do done had has have having get got
    go going went come came see seen saw look said says say tell told ask asked give given take taken
    make made put keep kept let set run ran walk walked stand sit lie lay rest sleep eat ate drink
    patient patients pt pts doctor nurse md rn np pa do dr mr mrs ms miss prof sir madam mother father
    son daughter wife husband brother sister family friend care clinic hospital unit room bed floor
    history exam physical plan assessment impression diagnosis problem problems note notes report
    chief complaint hpi ros pmh psh meds allergies social vitals labs imaging results review
    foley cv o2 bp hr rr temp spo2 iv im po pr prn bid tid qid qd qhs hs ac pc npo dnr dni cpr
    ct mri xr ekg ecg echo eeg emg us cbc bmp cmp lft inr ptt ua abg icu er ed or pacu sicu micu nicu
    blood heart lung lungs liver kidney brain chest head neck back arm arms leg legs hand hands foot
    feet eye eyes ear ears nose mouth skin bone bones joint joints muscle stomach abdomen pelvis
    pain fever cough nausea vomiting diarrhea rash swelling edema bleeding weakness fatigue dizziness
    wound drain tube line lines catheter stent graft shunt port pump mask cannula vent ventilator
    white black brown green gray grey red blue gold silver rose lily iris ivy violet hazel amber ruby
    pearl jade coral olive sage dawn eve faith hope grace joy love mercy charity patience prudence
    honor justice liberty star summer winter autumn spring april june july august january march
    will bill mark jack frank grant hunter king queen prince duke earl baron bishop pope judge
    major sergeant captain colonel general private chase cash rich price cost bond banks stone wood
    woods hill hills lake river ford field fields park street lane way road house home town city
    state county court hall wall gate bridge church chapel mill miles long short small large little
    big tall strong hardy sharp swift quick cook baker butler carter cooper fisher gardner hunter
    mason miller porter potter smith taylor turner walker ward weaver young page reed bell case
    gene genes cell cells rna dna hiv hcv hbv tb uti copd chf cad mi cva tia dvt pe gi gu ent ob gyn
    bun cr na k cl co2 glucose sodium potassium calcium magnesium iron zinc lead tin
    lasix coumadin heparin insulin tylenol advil motrin aspirin morphine dilaudid ativan haldol
    parkinson parkinsons alzheimer alzheimers crohn crohns hodgkin hodgkins graves addison cushing
    down wilson hashimoto babinski romberg murphy mcburney kernig brudzinski homan homans tinel phalen
    apgar glasgow swan ganz whipple nissen hartmann roux billroth kocher pfannenstiel gleason breslow
    clark lyme epstein barr guillain barre bowman wernicke korsakoff cheyne stokes kussmaul austin
    flint osler virchow trousseau chvostek levine mallory weiss zenker barrett bence jones holter
    doppler coombs gram wright giemsa kaposi hickman penrose pratt jackson kirschner steinmann
    denver ace bell bells marfan turner klinefelter tourette reye raynaud sjogren still kawasaki
    paget pagets meniere bartholin skene cooper lisfranc colles smith barton bennett monteggia
    galeazzi salter harris weber maisonneuve jones boxer rolando
    mon tue wed thu fri sat sun monday tuesday wednesday thursday friday saturday sunday
    north south east west central general memorial regional university medical center health
    hello hi dear thanks thank please yes ok okay sure great nice fine so wisdom force english princess
    royal lord lady saint st emergency department internal medicine service services surgery therapy
    america american americas africa african asia asian europe european india indian china chinese
    japan japanese korea kenya israel france french germany german brazil argentina mexico canada
    australia russia italy spain egypt nigeria ethiopia turkey iran iraq pakistan bangladesh vietnam
    florida georgia virginia carolina dakota indiana montana nevada arizona washington jordan chad
    cox kaplan meier pearson spearman fisher student wilcoxon mann whitney kruskal wallis bonferroni
    tukey bland altman hosmer lemeshow likert cohen kappa poisson bayes markov gauss weibull
    real pool slack many velvet abbott coulter baylor hang
    physical occupational speech social work radiology cardiology neurology oncology pathology
    pharmacy nursing admission discharge progress consult operative procedure daily
    """)

    static let monthNumber: [String: Int] = [
        "JANUARY": 1, "JAN": 1, "FEBRUARY": 2, "FEB": 2, "MARCH": 3, "MAR": 3, "APRIL": 4, "APR": 4,
        "MAY": 5, "JUNE": 6, "JUN": 6, "JULY": 7, "JUL": 7, "AUGUST": 8, "AUG": 8, "SEPTEMBER": 9,
        "SEPT": 9, "SEP": 9, "OCTOBER": 10, "OCT": 10, "NOVEMBER": 11, "NOV": 11, "DECEMBER": 12, "DEC": 12,
    ]
    static let monthFullNames = ["January", "February", "March", "April", "May", "June", "July",
                                 "August", "September", "October", "November", "December"]
    static let weekdays: Set<String> = words("MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY")
    static let weekdayAbbreviations: Set<String> = words("MON TUE TUES WED THU THUR THURS FRI SAT SUN")
    static let holidays: Set<String> = words("CHRISTMAS THANKSGIVING EASTER HALLOWEEN HANUKKAH RAMADAN")
    /// Words before `Day` in a holiday's name (`Veterans Day`, `Mother's Day`, `MLK Day`).
    static let holidayDayHeads: Set<String> = words("""
    PRESIDENTS PRESIDENT MOTHERS MOTHER FATHERS FATHER VETERANS VETERAN MEMORIAL LABOR LABOUR INDEPENDENCE
    COLUMBUS VALENTINES VALENTINE MLK BOXING ARMISTICE REMEMBRANCE GROUNDHOG JUNETEENTH ANZAC CANADA BASTILLE
    """)

    /// Words before a person's name.
    static let personTitles: Set<String> = words("DR DOCTOR MR MRS MS MISS MX PROF PROFESSOR SIR MADAM DAME REV REVEREND PASTOR RABBI IMAM DEACON FR")
    /// Credentials after a clinician's name (`Jane Roe, MD`).
    static let credentials: Set<String> = words("MD DO RN NP PA PHD DDS DMD LPN CNA CRNA PAC MBBS FACS FACP DPM PHARMD LCSW")
    /// Credentials of therapists, assistants and allied staff that sign notes (`-hq OTR/L`, `-TR MA`, `-AJP CCC-SLP`).
    static let therapyCredentials: Set<String> = words("RRT RT OTR OT PT DPT MA SLP CCC LICSW MSW LPC LPCC LMHC CM RD RDN CDE APRN CNM CNS EMT BSN MSN LVN RPH PHARMD")
    /// Header or phrase words after which a name follows (`Patient: Jane Roe`, `seen by John`).
    static let nameCueWords: Set<String> = words("""
    NAME PATIENT PT ATTENDING PHYSICIAN PROVIDER SURGEON RESIDENT INTERN PCP CONSULTANT NURSE
    SIGNED COSIGNED DICTATED TRANSCRIBED AUTHOR CC CONTACT NOK GUARDIAN MOTHER FATHER WIFE HUSBAND SON
    DAUGHTER BROTHER SISTER SPOUSE PARTNER FRIEND NEIGHBOR CAREGIVER REFERRING REFERRED SEEN
    EXAMINED EVALUATED INTERPRETED REVIEWED ACCOMPANIED VISITED CALLED PER RE HCP POA
    KID AUNT UNCLE COUSIN GRANDMOTHER GRANDFATHER FIANCE FIANCEE BOYFRIEND GIRLFRIEND
    """)
    /// Family and care relations after which a name often follows, even in lower case.
    /// Greetings that open a letter or message to a named person (`Hi Vinicio,`, `Dear Anna`).
    static let greetings: Set<String> = words("HI HELLO DEAR HEY GREETINGS")
    /// Words after a greeting that address a group or a role, not a person.
    static let greetingNonNames: Set<String> = words("""
    COLLEAGUE COLLEAGUES TEAM FAMILY PARENT PARENTS PATIENT PATIENTS SIR MADAM EVERYONE ALL FRIENDS
    DOCTOR DOCTORS NURSE NURSES COMMITTEE EDITOR EDITORS REVIEWER REVIEWERS MEMBERS STAFF
    """)
    /// Verbs whose subject is a person (`Enrico shouted`); report verbs (`Echo reported`) are left out.
    static let personVerbs: Set<String> = words("""
    SHOUTED SAID SAYS ASKED TOLD LIVES LIVED BEGAN WANTS WANTED FEELS FELT CRIED LAUGHED SCREAMED
    YELLED WHISPERED REPLIED ANSWERED SMILED GREW MARRIED DIVORCED
    """)
    /// Census first names including those that are also English words (`Frank`, `Grace`), for places
    /// where a cue already vouches for a name.
    static let rawFirstNames: Set<String> = words(NameLists.firstNames)
    /// Relations beyond `relationWords` that precede a name in notes (`Sibling Obinna`, `grandson Henrik`).
    static let moreRelationWords: Set<String> = words("""
    SIBLING SIBLINGS STEPSON STEPDAUGHTER STEPMOTHER STEPFATHER GRANDMOTHER GRANDFATHER GRANDMA GRANDPA GRANDCHILD
    AUNT UNCLE COUSIN FIANCE FIANCEE BOYFRIEND GIRLFRIEND GUARDIAN CAREGIVER ROOMMATE NEIGHBOR NEIGHBOUR HCP PROXY
    EX EXWIFE EXHUSBAND MUM DTR DAU HUSB SIS BRO GRANDDTR SIBS
    """)
    /// Staff roles written before a colleague's name (`RN Sandeep`, `RT Dave`, `Chaplain Ruth`).
    static let staffRoles: Set<String> = words("HCP POA RN RT RRT LPN CNA SW CM NP PCA OT PT NURSE CHAPLAIN INTERPRETER OFFICER SITTER TECH REP LIAISON AIDE PRIEST MINISTER CASEWORKER")
    /// Nouns for roles and departments that follow a role word without being a name (`RN Supervisor`, `Attending Psychiatrist`).
    static let roleNouns: Set<String> = words("""
    PSYCHIATRIST PHYSICIAN SURGEON RESIDENT INTERN FELLOW ATTENDING SUPERVISOR MANAGER COORDINATOR EDUCATOR
    SPECIALIST THERAPIST TECHNICIAN ASSISTANT DIRECTOR CHIEF STAFF TEAM LEADER LIAISON NAVIGATOR CONSULT EVAL
    EVALUATION ASSESSMENT NOTE NOTES ORDERS RECS AWARE NOTIFIED UPDATED PRESENT CALLED PAGED CONSULTED
    """)
    /// Lower-case words after `dr`, a relation or a role that are not names (`dr aware`, `wife states`).
    static let lowerNameStops: Set<String> = words("""
    AWARE NOTIFIED PAGED CALLED UPDATED ORDERED INFORMED CONSULTED PRESENT VISITING VISITED STATES STATED REPORTS
    REPORTED REQUESTS REQUESTED ASKED ASKING WANTS CONCERNED UPSET TEARFUL AGREES AGREEABLE DECLINED REFUSED WILL
    WOULD HERE THERE AT IN ON TO BY WITH AND OR ALSO STILL NOW THEN SAYS SAID ORDERS RECS SEES SAW EVAL EVALUATED
    ASSESSED EXAMINED ROUNDED ROUNDS TEAM OFFICE ON CALL ONCALL COVERING RESIDENT INTERN FELLOW ATTENDING
    BEDSIDE LEFT RETURNED ARRIVED CAME WENT TOOK GAVE MADE BROUGHT SPOKE TALKED DISCUSSED EXPLAINED
    """)
    static let relationWords: Set<String> = words("SON DAUGHTER WIFE HUSBAND BROTHER SISTER MOTHER FATHER MOM DAD FRIEND GRANDSON GRANDDAUGHTER NIECE NEPHEW SPOUSE PARTNER")
    /// Cue words that need a following `by` (`seen by`) before the name.
    static let byCueWords: Set<String> = words("SIGNED COSIGNED DICTATED TRANSCRIBED SEEN EXAMINED EVALUATED INTERPRETED REVIEWED ACCOMPANIED VISITED CALLED REFERRED")
    /// Verbs after which a name is the speaker (`says Iwase`).
    static let speechVerbs: Set<String> = words("SAYS SAID ASKED TOLD CALLS CALLED NAMED")

    static let streetSuffixes: Set<String> = words("""
    STREET ST AVENUE AVE AV ROAD RD BOULEVARD BLVD LANE LN DRIVE DR COURT CT WAY PLACE PL TERRACE TER
    CIRCLE CIR HIGHWAY HWY PARKWAY PKWY SQUARE SQ TRAIL TRL PLAZA ALLEY ROW CRESCENT CLOSE PIKE
    EXPRESSWAY TURNPIKE LOOP RUN PATH WALK GARDENS HEIGHTS SQUARES VIEW
    """)
    /// Endings of street names in other languages (`Koskikatu`, `Hammarvägen`, `Brixtonlaan`).
    static let foreignStreetEndings: [String] = ["KATU", "TIE", "GATAN", "GATA", "GADE", "VÄGEN", "VEGEN",
        "VEIEN", "VEJ", "STRASSE", "STRAßE", "STR", "WEG", "LAAN", "STRAAT", "PLEIN", "GASSE", "ALLEE", "KUJA", "POLKU"]
    /// Street words written apart after the name in other languages (`Villacher Strasse 89`, `Hegyalja út 98`).
    static let foreignStreetWords: Set<String> = words("STRASSE STRAßE GASSE WEG ALLEE PLATZ UTCA ÚT ÚTJA TÉR VEJ VEIEN GATA GATAN GADE LAAN STRAAT KATU TIE")
    /// Words that begin a street name in other languages (`Rue de ...`, `Via ...`, `ul. ...`).
    static let foreignStreetPrefixes: Set<String> = words("RUE VIA CALLE AVENIDA AVDA RUA UL ULICA PIAZZA CARRER CAMINO CHEMIN BOULEVARD STRADA")
    static let unitWords: Set<String> = words("APT APARTMENT SUITE STE UNIT RM ROOM FL FLOOR BLDG BUILDING")

    static let orgSuffixes: Set<String> = words("""
    HOSPITAL HOSPITALS CLINIC CLINICS INFIRMARY HOSPICE SANATORIUM UNIVERSITY COLLEGE SCHOOL ACADEMY
    INSTITUTE FOUNDATION INC LLC LTD LLP CORP CORPORATION COMPANY CO GROUP ASSOCIATES PARTNERS PHARMACY
    LABORATORIES LABS BANK CHURCH HEALTHCARE HEALTHSYSTEM AGENCY ORCHESTRA SOCIETY ASSOCIATION
    GMBH PLC SPA SARL PTY INCORPORATED LIMITED TECHNOLOGIES SOLUTIONS HOLDINGS INDUSTRIES ENTERPRISES
    CONSULTING VENTURES CAPITAL PHARMACEUTICALS THERAPEUTICS BIOSCIENCE BIOSCIENCES INSURANCE BANCORP CLUB
    COLLECTIVE COALITION COOPERATIVE AMBULANCE MEMORIAL INN LODGE VNA DIAGNOSTICS ELEMENTARY
    """)
    /// Kinds of club that name no one (`Country Club`, `Golf Club`).
    static let clubKinds: Set<String> = words("COUNTRY GOLF TENNIS YACHT SPORTS SPORT ATHLETIC BOOK SOCIAL FAN HEALTH FITNESS SWIM SWIMMING")
    /// Words naming a kind of service or department; a clinic named only by them is generic (`Device Clinic`).
    static let serviceWords: Set<String> = words("""
    ANTICOAGULATION COAGULATION DEVICE PACEMAKER FAILURE DIABETES WOUND SLEEP ALLERGY ASTHMA TRAVEL VACCINE
    INFUSION DIALYSIS TRANSPLANT HEPATOLOGY ORTHOPEDIC ORTHOPAEDIC ORTHO SPINE DENTAL URGENT PRIMARY PEDIATRIC
    PAEDIATRIC MEMORY MOVEMENT EPILEPSY HEADACHE STROKE LIPID HYPERTENSION RENAL LUNG PULMONARY CARDIAC BREAST
    VNA SKILLED VISITING COMMUNITY OUTPATIENT INPATIENT WALK METHADONE SUBOXONE COUMADIN WARFARIN INR FERTILITY
    PRENATAL ANTENATAL OB GYN GYNECOLOGY UROLOGY DERMATOLOGY RHEUMATOLOGY ENDOCRINE ENDOCRINOLOGY NEPHROLOGY
    HEMATOLOGY ONCOLOGY GI GERIATRIC GERIATRICS PSYCHIATRIC BEHAVIORAL HEALTH MENTAL VASCULAR VEIN LASER
    COLORECTAL THORACIC HAND FOOT EYE VISION HEARING AUDIOLOGY NUTRITION OBESITY WEIGHT SMOKING CESSATION
    """)
    /// Last words of care homes and rehabilitation facilities, reported as hospitals.
    static let careHomeWords: Set<String> = words("REHABILITATION REHAB LIVING NURSING MEMORIAL")
    /// Pharmacy and laboratory chains named in notes without a suffix (`pharmacy is cvs`, `Walgreens #07731`).
    static let pharmacyChains: Set<String> = words("""
    CVS WALGREENS WALGREEN RITE-AID WALMART COSTCO KROGER PUBLIX SAFEWAY LABCORP CAREMARK OPTUM WEGMANS HANNAFORD
    AETNA CIGNA HUMANA UNITEDHEALTHCARE BCBS ANTHEM KAISER HIGHMARK WELLCARE CENTENE MOLINA
    """)
    /// Words that open an employment clause (`retired machinist from X`, `laid off from X`, `works nights at X`).
    static let employmentWords: Set<String> = words("""
    WORKS WORKED WORKING EMPLOYED EMPLOYEE EMPLOYER HIRED CONTRACTED RETIRED RETIRE RETIRING LAID FIRED JOB VOLUNTEERS VOLUNTEERED DRIVES
    STUDENT JUNIOR SOPHOMORE FRESHMAN ATTENDS ENROLLED PROFESSOR TEACHES STUDIES FIREFIGHTER OFFICER
    CASHIER ENGINEER MACHINIST TEACHER NURSE CLERK MANAGER TECHNICIAN ANALYST MECHANIC JANITOR ELECTRICIAN
    """)
    /// Verbs of care after which `to`/`at`/`from` introduces a facility (`transferred to`, `seen at`, `d/c'd to`).
    static let facilityVerbs: Set<String> = words("""
    TRANSFERRED TRANSFER TRANSFERRING ADMITTED ADMIT DISCHARGED DISCHARGE PRESENTED PRESENTS SEEN FOLLOWED FOLLOWS
    REFERRED SENT TRANSPORTED RETURNED RETURNS ARRIVED BROUGHT HOSPITALIZED HOSPITALISED INTUBATED TREATED DELIVERED
    ADMISSION ADMISSIONS PLACEMENT REHAB DIALYZES DIALYSES RECEIVES RECEIVED CARED EVALUATED ACCEPTED
    """)
    /// Verbs after a visitor's or caller's given name in hasty notes (`mary in to visit`, `joe called`).
    static let visitorVerbs: Set<String> = words("CALLED CALLS VISITED VISITING AWARE UPDATED STATES STATED REPORTS REQUESTS WANTS ASKED SPOKE CAME LEFT BROUGHT AT HERE")
    static let unitNumbers: [String: Int] = ["ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FIVE": 5, "SIX": 6, "SEVEN": 7, "EIGHT": 8, "NINE": 9]
    /// Every word that can open one of the clinical-note name rules: one set lookup per token decides
    /// whether any of them needs to look further.
    static let clinicalNameAnchors: Set<String> = relationWords.union(moreRelationWords).union(staffRoles).union(["DR", "FR", "PT"])
    /// The same for the clinical organisation, facility and audit rules.
    static let clinicalContextAnchors: Set<String> = employmentWords.union(insurerCueWords).union(pharmacyChains).union(facilityVerbs)
        .union(auditLabelWords).union(["THE", "AT", "TO", "FROM", "OSH"])
    /// Words before `by:` and a user name in an audit line (`Registered by: lmarquez`).
    static let auditLabelWords: Set<String> = words("REGISTERED ENTERED RECORDED AUTHORED CREATED MODIFIED PRINTED VERIFIED")
    /// Header words for an insurer (`Ins: Tufts Health Plan`, `Primary insurance: Health New England`).
    static let insurerCueWords: Set<String> = words("INS INSURANCE INSURER PAYER PAYOR CARRIER")
    /// Clinical acronyms that are also towns in the gazetteer.
    static let clinicalAcronyms: Set<String> = words("MOCA MMSE REHAB AVH SICU PACU TACO TRALI ARDS BIPAP CPAP SOFA APACHE")
    /// Public programmes, not identifying organisations.
    static let publicPayers: Set<String> = words("MEDICARE MEDICAID MASSHEALTH TRICARE MEDI-CAL MEDICAL CHIP SELF NONE UNINSURED")
    static let hospitalSuffixes: Set<String> = words("HOSPITAL HOSPITALS CLINIC CLINICS INFIRMARY HOSPICE SANATORIUM HEALTHCARE")
    /// `X Medical Center`, `Y Health System`, `Z Nursing Home`: second word of two-word suffixes.
    static let orgSecondWords: [String: Set<String>] = [
        "CENTER": words("MEDICAL HEALTH CANCER TRAUMA REHABILITATION REHAB SURGICAL SURGERY DIALYSIS CARE HEART"),
        "LIVING": words("ASSISTED SENIOR"), "REHABILITATION": words("NURSING AND"), "REHAB": words("NURSING AND"),
        "CARE": words("PRIMARY URGENT NURSING SENIOR HOME"), "ASSOCIATES": words("MEDICAL HEALTH"),
        "VNA": words("HOME"), "PLAN": words("HEALTH CARE"), "SHIELD": words("BLUE"), "PILGRIM": words("HARVARD"),
        "DEPARTMENT": words("POLICE FIRE SHERIFF SHERIFFS"), "DEPT": words("POLICE FIRE"),
        "CENTRE": words("MEDICAL HEALTH CANCER TRAUMA REHABILITATION CARE"),
        "SYSTEM": words("HEALTH"), "HOME": words("NURSING CARE FUNERAL"), "NETWORK": words("HEALTH"),
        "SERVICES": words("HEALTH MEDICAL"),
        "PRACTICE": words("FAMILY GENERAL MEDICAL GROUP"), "MEDICINE": words("FAMILY INTERNAL"), "TEAM": words("HEALTH"),
    ]
    /// Two-word suffixes of general practices and primary-care teams, reported as hospitals (`Riverside Family Practice`).
    static let practiceSuffixes: Set<String> = words("PRACTICE MEDICINE TEAM")
    /// Words that leave a suffix phrase a department (`Department of Family Medicine`).
    static let departmentWords: Set<String> = words("DEPARTMENT DEPT DIVISION SECTION OF AND THE ACADEMY RESIDENCY FELLOWSHIP PROGRAM PROGRAMME FAMILY INTERNAL MEDICINE PRACTICE GENERAL EMERGENCY")
    /// Nouns that define a firm in `X is a design agency`.
    static let firmNouns: Set<String> = words("""
    COMPANY FIRM AGENCY MULTINATIONAL STARTUP NONPROFIT CORPORATION CONGLOMERATE MANUFACTURER VENDOR
    BRAND RETAILER BANK CHARITY CONSULTANCY LAWFIRM PUBLISHER INSURER
    """)
    /// Nouns after a firm's name in `the Avalara office`, `her Uber resignation`.
    static let officeNouns: Set<String> = words("OFFICE OFFICES WEBSITE HEADQUARTERS HQ RESIGNATION EMPLOYEES SHAREHOLDERS")
    /// Connectors allowed inside organisation names.
    static let orgConnectors: Set<String> = words("OF THE AND &")
    /// Words after which a capitalised phrase is an employer/organisation.
    static let orgCueWords: Set<String> = words("EMPLOYER WORKS WORK WORKED WORKING EMPLOYED")

    /// Phrases after which capitalised words are a place (`lives in Springfield`).
    static let placeCueWords: Set<String> = words("LIVES RESIDES RESIDENT MOVED BORN NATIVE TRAVELED TRAVELLED TRAVELING TRAVELLING TRIP ARRIVED RELOCATED HOMETOWN VISITING BASED RETURNED FLEW GREW ORIGINALLY RAISED")

    /// Words for settlements that name a place after `of` (`the town of Skelby`) or `home` (`home city X`).
    static let settlementWords: Set<String> = words("CITY TOWN VILLAGE MUNICIPALITY SUBURB BOROUGH HAMLET TOWNSHIP COMMUNE PARISH")
    /// Lower-case particles inside place names (`Villafranca del Cid`, `Alcalá de Henares`).
    static let placeParticles: Set<String> = words("DE DEL DELLA DI DA DO DOS DAS LA LE LES SUR AM AN IM EN Y")
    static let usStateAbbreviations: Set<String> = words("""
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC
    ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR
    """)
    static let usStates: Set<String> = words("""
    ALABAMA ALASKA ARIZONA ARKANSAS CALIFORNIA COLORADO CONNECTICUT DELAWARE FLORIDA GEORGIA HAWAII
    IDAHO ILLINOIS INDIANA IOWA KANSAS KENTUCKY LOUISIANA MAINE MARYLAND MASSACHUSETTS MICHIGAN
    MINNESOTA MISSISSIPPI MISSOURI MONTANA NEBRASKA NEVADA OHIO OKLAHOMA OREGON PENNSYLVANIA TENNESSEE
    TEXAS UTAH VERMONT VIRGINIA WASHINGTON WISCONSIN WYOMING
    """)
    /// Cities that identify by themselves. A short hand-written gazetteer of large US cities.
    static let cities: Set<String> = words("""
    BOSTON CHICAGO HOUSTON PHOENIX PHILADELPHIA DALLAS AUSTIN JACKSONVILLE COLUMBUS CHARLOTTE
    INDIANAPOLIS SEATTLE DENVER NASHVILLE DETROIT PORTLAND MEMPHIS LOUISVILLE BALTIMORE MILWAUKEE
    ALBUQUERQUE TUCSON FRESNO SACRAMENTO ATLANTA MIAMI OAKLAND MINNEAPOLIS TULSA CLEVELAND WICHITA
    ARLINGTON TAMPA PITTSBURGH CINCINNATI ANCHORAGE HONOLULU OMAHA RALEIGH BUFFALO NEWARK SPRINGFIELD
    WORCESTER CAMBRIDGE PROVIDENCE HARTFORD ALBANY ROCHESTER SYRACUSE RICHMOND NORFOLK SAVANNAH
    BIRMINGHAM MONTGOMERY KNOXVILLE CHATTANOOGA LEXINGTON AKRON DAYTON TOLEDO MADISON SPOKANE TACOMA
    BOISE RENO LAREDO LUBBOCK AMARILLO EUGENE SALEM DULUTH FARGO LINCOLN DESMOINES SCRANTON ALLENTOWN
    """)
    /// Two-word cities, joined with a space.
    static let twoWordCities: Set<String> = Set([
        "NEW YORK", "LOS ANGELES", "SAN ANTONIO", "SAN DIEGO", "SAN JOSE", "SAN FRANCISCO", "FORT WORTH",
        "EL PASO", "OKLAHOMA CITY", "LAS VEGAS", "LONG BEACH", "KANSAS CITY", "VIRGINIA BEACH",
        "NEW ORLEANS", "ST LOUIS", "SALT LAKE", "BATON ROUGE", "DES MOINES", "ANN ARBOR", "NEW HAVEN",
        "GRAND RAPIDS", "CORPUS CHRISTI", "SANTA FE", "PALO ALTO", "SANTA ANA", "SANTA BARBARA",
    ])

    /// Words after a place name that make it part of a term (`Norwalk virus`, `Framingham score`).
    static let placeEponymHeads: Set<String> = words("""
    VIRUS VIRUSES SYNDROME DISEASE FEVER SCORE SCORES SCALE CRITERIA CLASSIFICATION SYSTEM STUDY STUDIES
    COHORT TRIAL DECLARATION PROTOCOL AGREEMENT CONSENSUS STATEMENT GUIDELINES TYPE STRAIN STRAINS
    RULE RULES TECHNIQUE PROCEDURE OPERATION METHOD MODEL ANTIGEN AGENT CHARTER PRINCIPLES
    LIBRARY REVIEW REVIEWS COLLABORATION DATABASE REGISTRY INDEX
    """)

    /// Words after a surname that make it part of a clinical term (`Graves disease`, `Babinski sign`).
    static let eponymHeads: Set<String> = words("""
    SIGN SIGNS REFLEX MANEUVER MANOEUVRE TEST PHENOMENON TUMOR TUMOUR PALSY LAW NODE NODES CELL CELLS
    DUCT GLAND GLANDS CATHETER SHEATH FRACTURE ULCER DISORDER ANEMIA ANAEMIA LYMPHOMA SARCOMA
    """)

    /// Words after a surname-like word that show a blood group, antigen or register (`Kell alloimmunization`).
    static let eponymTermWords: Set<String> = words("""
    ANTIGEN ANTIGENS ANTIBODY ANTIBODIES ALLOIMMUNIZATION ALLOIMMUNISATION HAEMOLYTIC HEMOLYTIC GROUP
    CLASSIFICATION STAGING STAGE GRADE INDEX REGISTER BOARD PROCEDURE OPERATION APPROACH INCISION
    """)

    static let topLevelDomains: Set<String> = words("""
    COM ORG NET EDU GOV MIL INT IO INFO BIZ CO UK DE FR NL BE IT ES PT SE NO DK FI IS IE CH AT PL CZ
    HU RO GR RU UA CN JP KR IN AU NZ CA US BR MX AR CL ZA TW HK SG ME TV CC XYZ ONLINE SITE
    """)

    /// Unit and ordinal endings that make `100mg`, `5th` or `10am` an ordinary quantity.
    /// Street words unambiguous enough to end a lower-case street (`3911 fourth avenue`).
    static let fullStreetWords: Set<String> = words("STREET AVENUE ROAD BOULEVARD LANE DRIVE TERRACE HIGHWAY PARKWAY CRESCENT TURNPIKE EXPRESSWAY")
    /// Words that never sit between a house number and its street word (`5 miles down the road`).
    static let streetFunctionWords: Set<String> = words("THE A AN OF ON IN AT TO FOR AND OR WITH BY FROM PER EVERY EACH DOWN UP ALONG ACROSS OFF INTO ONTO OVER")
    static let unitSuffixes: Set<String> = words("""
    MG MCG UG G KG ML L DL MMOL MEQ MMHG CMH2O CM MM KM M IU U UNITS UNIT H HR HRS MIN MINS S SEC D WK WKS
    MO Y YR YRS YO ST ND RD TH AM PM X F C K MHZ GHZ KB MB GB TB MBQ MSV GY CC OZ LB LBS FT IN BPM HZ
    """)

    /// Keyword (upper-case) before an identifier -> the identifier's type.
    static let idCueWords: [String: PHIType] = [
        "JOB": .id, "BADGE": .id, "ACC": .id, "REF": .id, "REFERENCE": .id, "CONFIRMATION": .id,
        "LIC": .license, "CLAIM": .id, "AUTH": .id, "AUTHORIZATION": .id, "TICKET": .id, "STORE": .id, "ACTIVATION": .id,
        "MRN": .mrn, "MR": .mrn, "RECORD": .mrn, "CHART": .mrn, "ENCOUNTER": .mrn, "ADMISSION": .mrn,
        "ACCOUNT": .account, "ACCT": .account, "CARD": .account, "IBAN": .account, "BILLING": .account,
        "POLICY": .healthPlan, "MEMBER": .healthPlan, "PLAN": .healthPlan, "INSURANCE": .healthPlan,
        "MEDICAID": .healthPlan, "MEDICARE": .healthPlan, "SUBSCRIBER": .healthPlan, "BENEFICIARY": .healthPlan,
        "MCRN": .license, "CPSO": .license, "GMC": .license, "NMC": .license, "NMBI": .license, "AHPRA": .license, "PROVIDER": .license,
        "LICENSE": .license, "LICENCE": .license, "DL": .license, "DEA": .license, "NPI": .license,
        "CERTIFICATE": .license, "PASSPORT": .license,
        "VIN": .vehicle, "PLATE": .vehicle, "VEHICLE": .vehicle,
        "SERIAL": .device, "SN": .device, "IMEI": .device, "DEVICE": .device, "IMPLANT": .device, "PACEMAKER": .device, "UDI": .device,
        "SSN": .ssn, "SOCIAL": .ssn,
        "ID": .id, "IDENTIFIER": .id, "CASE": .id, "ACCESSION": .id, "SPECIMEN": .id,
        "PHONE": .phone, "TEL": .phone, "TELEPHONE": .phone, "CELL": .phone, "MOBILE": .phone,
        "PAGER": .phone, "CALL": .phone, "CONTACT": .phone, "REACH": .phone, "FAX": .fax, "BEEPER": .phone,
        "ZIP": .zip, "POSTAL": .zip, "ZIPCODE": .zip,
    ]
    /// Filler between an identifier keyword and its value (`MRN #: 12345`, `account number is ...`).
    static let idFillers: Set<String> = words("ENDING PIN NO NUMBER NUM NBR IS WAS OF CODE SECURITY DRIVER DRIVERS S AT ON ME US HIM HER BACK MY HIS")

    /// Subjects whose stated number is an age (`pt is 91`, `mother was 94`).
    static let agePersonWords: Set<String> = words("""
    PT PATIENT RESIDENT CLIENT SHE HE MOTHER FATHER MOM DAD MUM HUSBAND WIFE SPOUSE GRANDMOTHER GRANDFATHER
    GRANDMA GRANDPA GRAN NANA AUNT UNCLE WOMAN MAN LADY GENTLEMAN SISTER BROTHER WHO
    """)
    /// Words before a bare year or a day/month that make it a date (`in 1990`, `on 5/4`).
    static let dateCueWords: Set<String> = words("""
    IN ON SINCE FROM UNTIL TILL BY OF DATED BORN DOB DOS DOD ADMITTED DISCHARGED SEEN CIRCA YEAR
    BEFORE AFTER DURING THROUGH THRU TO DATE ADMIT DISCHARGE VISIT SURGERY
    """)
    /// Words before `a/b` that make it a fraction, grade, score or setting, not a date (`BP 2/3`, `pain 7/10`, `CPAP 5/5`).
    static let fractionLeadWords: Set<String> = words("""
    TOF WEAKER STRONGER
    BP PAIN STRENGTH CPAP BIPAP PEEP PS PSV GRADE GRADED SCORE SCORED SCALE RATIO MURMUR SEM GCS APGAR APGARS
    MAE GRIP GRIPS RUE LUE RLE LLE BUE BLE UE LE EXTREMITIES EXTS SENSORY
    RATE RATED RATES MOTOR POWER REFLEXES DTR DTRS VENT AC SIMV TV FIO2 ABG VBG GRAVIDA TAKE TAKES TAKING GIVE
    GIVEN HALF DILATED CM STATION EFFACED NORMAL SALINE DEXTROSE BOTTLES CULTURES VISION ACUITY SETS
    RELIEF DECREASED INCREASED SECTION CHAPTER PAGE PAGES ARTICLE FORM VERSE ITEM ITEMS CYTOKERATIN CK
    """)
    /// Words after `a/b` that make it a fraction or a count (`1/2 NS`, `2/6 SEM`, `4/5 strength`, `3/12 patients`).
    static let fractionFollowWords: Set<String> = words("""
    RUE LUE RLE LLE BUE BLE UE LE BUES BLES EXT EXTS EXTREMITIES GRIP BILAT BIL X4 X2 PROX DISTAL FLEXION EXTENSION
    NS SEM HSM MURMUR MURMURS SYSTOLIC DIASTOLIC HOLOSYSTOLIC STRENGTH BILATERALLY THROUGHOUT TAB TABS TABLET
    TABLETS PILL PILLS CAP CAPS CAPSULE CAPSULES DOSE DOSES OF BOTTLE BOTTLES CULTURE CULTURES SETS SET PATIENTS PTS
    CASES SUBJECTS PARTICIPANTS EYES CHILDREN WOMEN MEN SAMPLES SPECIMENS INCH INCHES CUP CUPS
    RESPONDERS RESPONDED SURVIVED DIED WERE WAS HAD HAVE VS VERSUS AND OR NSS LR DEXTROSE SALINE PPD
    """)
    /// Words that make a number range a duration (`2-3 days`, `6-8 weeks`).
    static let durationWords: Set<String> = words("DAY DAYS WEEK WEEKS MONTH MONTHS YEAR YEARS HOUR HOURS MINUTES TIMES CYCLES DOSES VISITS SESSIONS X")
    /// Unit words that still read as times after a date (`3/4 pm`).
    static let clockWords: Set<String> = words("AM PM H HR HRS")
    /// Words before an ambiguous `a/b` that date it (`held 3/4`, `rec'd 2/6`, `tel note 3/3`, `f/u 7/11`).
    static let monthDayCueWords: Set<String> = words("""
    HELD DONE STARTED STOPPED BEGAN PLACED REMOVED CHANGED RESTARTED RESUMED TRANSFERRED RECD REC'D RECEIVED SENT
    DRAWN OBTAINED PERFORMED SCHEDULED PLANNED APPT APPOINTMENT FU UP CHECK NEG POS POSITIVE NEGATIVE DOSE ADM
    DIED INTUBATED EXTUBATED DCD
    LAST NEXT DUE EXPECTED ESTIMATED EDD LMP DC SP POD NOTED DIAGNOSED CONFIRMED CALLED VISIT VISITED
    MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY MON TUE TUES WED THU THUR THURS FRI SAT SUN
    """)
    /// Header words right before a note's date (`tel enc 7/3`, `NURSING NOTE 4/2`, `Resp Care 11/2`).
    static let noteHeaderWords: Set<String> = words("NOTE NOTES ENC ENCOUNTER CARE PROGRESS DATE DATED NPN SUMMARY REPORT ADDENDUM UPDATE")

    /// Words after which the rest of the line is a postal address (`address: ...`, `lives at ...`).
    static let addressCueWords: Set<String> = words("ADDRESS ADDR")
    /// Verbs that take an address after `at`/`to` (`lives at`, `ship to`).
    static let addressVerbs: Set<String> = words("LIVES LIVE LIVING RESIDES RESIDING LOCATED SENT SHIP SHIPPED DELIVER DELIVERED MAIL MAILED")
    static let ageUnitWords: Set<String> = words("YEAR YEARS YR YRS YO Y")
}

"""The demo conference's two-day programme: people and sessions as plain data.

The shape follows the regional consultations, seminars and partnership meetings described in
shared/seeds (opening ceremony, keynotes, plenaries on the five levels of analysis, a roundtable
of four countries, the launch of the IIOE national centres, workshops in the breakout rooms and a
closing ceremony). Every person below is FICTIONAL: names, positions and biographies are invented
and do not describe real people. Organisations are named exactly as in events/demo_data.py so
they can be looked up by name; times are local event time (Asia/Shanghai).
"""

# fmt: off
# key, honorific, name, position, organisation name (exact from events/demo_data.py) or "",
# country ISO 3166-1 alpha-2, bio (1-2 sentences), login username or None
PEOPLE = (
    ("zhou-yanqing", "Prof.", "Zhou Yanqing", "Dean, School of Education Innovation",
     "Southern University of Science and Technology", "CN",
     "Works on blended learning design and institutional strategy for digital transformation. "
     "Led SUSTech's university-wide review of online and blended programmes.",
     "chair"),
    ("guo-minghui", "Prof.", "Guo Minghui", "Director",
     "International Centre for Higher Education Innovation under the auspices of UNESCO", "CN",
     "Oversees the Centre's capacity-building programmes for partner universities in Asia-Pacific "
     "and Africa, including the IIOE network.",
     None),
    ("lin-jiahao", "Prof.", "Lin Jiahao", "Vice-President for International Affairs",
     "Southern University of Science and Technology", "CN",
     "A materials scientist who now leads the university's international partnerships and its "
     "open courseware initiative.",
     None),
    ("feng-ruoxi", "Ms.", "Feng Ruoxi", "Deputy Secretary-General",
     "Chinese National Commission for UNESCO", "CN",
     "Coordinates China's cooperation with UNESCO in education, including follow-up to the "
     "Qingdao Declaration on ICT in education.",
     None),
    ("anjali-raghunathan", "Dr.", "Anjali Raghunathan",
     "Chief, Section for Educational Innovation and Skills Development",
     "UNESCO Asia-Pacific Regional Bureau for Education", "IN",
     "Leads UNESCO Bangkok's work on ICT in education and higher education policy, and managed "
     "the Shenzhen Funds-in-Trust project on blended learning.",
     "chair2"),
    ("isabelle-moreau", "Dr.", "Isabelle Moreau",
     "Programme Specialist, Section for Higher Education", "UNESCO", "FR",
     "Works on the recognition of qualifications and quality assurance of cross-border and "
     "online higher education.",
     None),
    ("nurul-hashim", "Prof. Dr.", "Nurul Aini Hashim",
     "Deputy Vice-Chancellor (Academic and International)", "Universiti Putra Malaysia", "MY",
     "An educational technologist who led Malaysia's first university-wide MOOC credit-transfer "
     "scheme. Provides technical expertise for the regional policy brief.",
     "speaker"),
    ("marina-volkova", "Dr.", "Marina Volkova",
     "Programme Specialist, Digital Pedagogy and Learning Materials",
     "UNESCO Institute for Information Technologies in Education", "RU",
     "Coordinates teacher training in digital pedagogy for Russian-speaking universities in "
     "Central Asia and Eastern Europe.",
     None),
    ("imran-qureshi", "Prof.", "Imran Qureshi", "Director, Centre for Online and Blended Learning",
     "University of Engineering and Technology, Lahore", "PK",
     "Leads the university's IIOE national centre and its programme of online courses for "
     "engineering faculty.",
     None),
    ("tsang-kawai", "Prof.", "Tsang Ka-wai", "Chair Professor of Digital Learning and Innovation",
     "The Education University of Hong Kong", "HK",
     "Researches learning analytics and teacher professional development, and advises the IIOE "
     "on course quality.",
     None),
    ("batbayar-tsend", "Prof.", "Batbayar Tsend", "Vice-Rector for Academic Affairs",
     "Mongolian University of Science and Technology", "MN",
     "Oversees the university's digital campus programme and distance courses for students in "
     "Mongolia's provinces.",
     None),
    ("chea-sovannarith", "Dr.", "Chea Sovannarith", "Deputy Director-General of Higher Education",
     "Ministry of Education, Youth and Sport", "KH",
     "Coordinated Cambodia's pilot of the blended learning self-assessment framework in public "
     "universities.",
     None),
    ("dilani-wickramasinghe", "Prof.", "Dilani Wickramasinghe",
     "Director, Quality Assurance Council", "University Grants Commission", "LK",
     "Leads the development of national quality standards for online and blended degree "
     "programmes in Sri Lanka.",
     None),
    ("ruwan-jayasekara", "Dr.", "Ruwan Jayasekara", "Senior Lecturer in Educational Technology",
     "University of Colombo", "LK",
     "Studies learner engagement on national MOOC platforms and designs monitoring tools for "
     "blended courses.",
     None),
    ("chamari-perera", "Prof.", "Chamari Perera", "Dean, Faculty of Education",
     "The Open University of Sri Lanka", "LK",
     "Specialist in open and distance learning for working adults and in the recognition of prior "
     "learning.",
     None),
    ("ratna-kusumawati", "Dr.", "Ratna Kusumawati", "Head, Centre for Learning Innovation",
     "Universitas Terbuka", "ID",
     "Manages online tutorials for several hundred thousand distance learners across the "
     "Indonesian archipelago.",
     None),
    ("nurlan-asanov", "Dr.", "Nurlan Asanov", "Vice-Rector for Digital Development",
     "Kyrgyz State Technical University named after I. Razzakov", "KG",
     "Leads the university's move to blended engineering programmes and its learning management "
     "platform.",
     None),
    ("milica-jovanovic", "Prof.", "Milica Jovanović", "Professor of e-Learning Systems",
     "University of Belgrade", "RS",
     "Researches curriculum design for blended programmes and coordinates European projects on "
     "digital competences of university teachers.",
     None),
    ("maria-dizon-reyes", "Prof.", "Maria Isabel Dizon-Reyes",
     "Professor of Educational Technology and independent consultant", "", "PH",
     "Has evaluated open and distance learning programmes for ministries and universities across "
     "South-East Asia.",
     None),
    ("cholpon-abdyldaeva", "Ms.", "Cholpon Abdyldaeva", "Head, Higher Education Policy Division",
     "Ministry of Education and Science of the Kyrgyz Republic", "KG",
     "Drafted the national roadmap for digital higher education and its monitoring indicators.",
     None),
    ("liang-shuyi", "Ms.", "Liang Shuyi", "Programme Director, Education",
     "Tencent Charity Foundation", "CN",
     "Manages the foundation's grants for online education in developing countries, including "
     "seed funding for university networks.",
     None),
    ("deng-kaiwen", "Mr.", "Deng Kaiwen", "Director, Education Industry Solutions",
     "Huawei Technologies", "CN",
     "Works with universities on campus connectivity, cloud classrooms and ICT skills "
     "certification.",
     None),
    ("song-yutong", "Dr.", "Song Yutong", "Head of Higher Education AI Research", "iFLYTEK", "CN",
     "Leads research on speech recognition, automatic captioning and AI-assisted assessment for "
     "university teaching.",
     None),
    ("ye-xinyi", "Ms.", "Ye Xinyi", "International Partnerships Manager", "Seewo", "CN",
     "Supports partner universities in designing interactive lessons and co-organises the IIOE "
     "course development contest.",
     None),
    ("yang-shuwen", "Prof.", "Yang Shuwen", "Deputy Director, Online Education Office",
     "Tsinghua University", "CN",
     "Has produced more than forty MOOCs and works on credit recognition between national MOOC "
     "platforms.",
     None),
    ("luo-mingxuan", "Dr.", "Luo Mingxuan", "Dean, School of Software Engineering",
     "Shenzhen Institute of Information Technology", "CN",
     "Builds industry-certified online courses with enterprise partners for vocational and "
     "higher education students.",
     None),
    ("wu-jingyi", "Dr.", "Wu Jingyi", "Head, IIOE Programme Office",
     "International Centre for Higher Education Innovation under the auspices of UNESCO", "CN",
     "Coordinates the IIOE platform, its national centres and the partner university network.",
     None),
    ("zheng-xiaoyu", "Ms.", "Zheng Xiaoyu", "Research Officer",
     "International Centre for Higher Education Innovation under the auspices of UNESCO", "CN",
     "Works on the regional research framework and drafts the consultation's joint policy brief.",
     None),
    ("tigist-bekele", "Dr.", "Tigist Bekele", "Director of Digital Learning",
     "Addis Ababa University", "ET",
     "Leads the university's blended learning programme for teacher educators and its IIOE "
     "partnership.",
     None),
    ("hany-mostafa", "Prof.", "Hany El-Sayed Mostafa",
     "Vice-President for Education and Student Affairs", "Ain Shams University", "EG",
     "Oversees quality assurance for the university's online programmes and chaired an earlier "
     "rotating presidency of the IIOE network.",
     None),
    ("wanjiru-kamau", "Ms.", "Wanjiru Kamau", "Master's student in Educational Technology",
     "University of Nairobi", "KE",
     "Completed her undergraduate studies part-time with MOOCs and blended courses while working "
     "as a primary school teacher.",
     None),
    ("he-zixuan", "Mr.", "He Zixuan", "Undergraduate student, School of Artificial Intelligence",
     "Shenzhen Polytechnic University", "CN",
     "Student representative who runs a peer-tutoring community for learners on open online "
     "courses.",
     None),
    ("salote-vunibola", "Dr.", "Salote Vunibola", "Lecturer in Flexible Learning", "", "FJ",
     "Designs low-bandwidth courses for learners on outer islands and researches mobile learning "
     "in Pacific small island states.",
     None),
)

# day (0 or 1), start "HH:MM", end "HH:MM" (local event time, Asia/Shanghai), title, kind,
# room name (exact from ROOMS), track name (exact from TRACKS) or None, language code,
# attendance ("in_person" | "online" | "hybrid"), abstract (may be ""),
# people: tuple of (person key, role)
SESSIONS = (
    # ---------------------------------------------------------------- Day 1
    (0, "08:30", "09:00", "Registration and welcome coffee", "break", "Plenary Hall", None,
     "en", "in_person",
     "Collect your badge and interpretation receiver at the main entrance.",
     ()),
    (0, "09:00", "09:45", "Opening ceremony", "opening", "Plenary Hall", None, "en", "hybrid",
     "Welcome remarks from the organisers, UNESCO, the Chinese National Commission for UNESCO "
     "and the host university, and the objectives of the regional consultation.",
     (("zhou-yanqing", "moderator"), ("guo-minghui", "speaker"), ("lin-jiahao", "speaker"),
      ("isabelle-moreau", "speaker"), ("feng-ruoxi", "speaker"))),
    (0, "09:45", "10:30",
     "Keynote: Seizing digital opportunities for SDG 4 in Asia-Pacific higher education",
     "keynote", "Plenary Hall", "Policy measures", "en", "hybrid",
     "What a decade of MOOCs, mobile learning and blended learning has changed for access and "
     "quality in the region's universities, and where the digital divide is widening instead.",
     (("anjali-raghunathan", "chair"), ("nurul-hashim", "speaker"))),
    (0, "10:30", "11:00", "Coffee break and group photo", "break", "Plenary Hall", None, "en",
     "in_person", "", ()),
    (0, "11:00", "12:30", "Policy measures: national strategies for MOOCs and ICT in higher "
     "education", "plenary", "Plenary Hall", "Policy measures", "en", "hybrid",
     "Ministries and quality agencies from Cambodia, Kyrgyzstan and Pakistan compare how they "
     "fund, regulate and monitor online and blended provision, and what evidence they still lack.",
     (("dilani-wickramasinghe", "moderator"), ("chea-sovannarith", "speaker"),
      ("cholpon-abdyldaeva", "speaker"), ("imran-qureshi", "speaker"),
      ("zheng-xiaoyu", "rapporteur"))),
    (0, "11:00", "12:00",
     "Reaching remote learners: low-bandwidth blended learning from the Pacific to East Africa",
     "panel", "Online Studio", "Enablers and platforms", "en", "online",
     "An online-only conversation on offline-first course packages, mobile delivery and tutor "
     "support for learners far from campus.",
     (("wu-jingyi", "host"), ("salote-vunibola", "speaker"), ("tigist-bekele", "speaker"))),
    (0, "12:30", "14:00", "Lunch", "break", "Plenary Hall", None, "en", "in_person",
     "Served in the foyer of the Plenary Hall.", ()),
    (0, "14:00", "15:30",
     "Institutional and training providers: leading digital transformation in universities",
     "panel", "Breakout Room A", "Institutional and training providers", "en", "hybrid",
     "University leaders discuss governance, staff capacity and incentives for blended learning "
     "as the boundaries between formal, non-formal and informal learning blur.",
     (("zhou-yanqing", "chair"), ("batbayar-tsend", "panellist"), ("tsang-kawai", "panellist"),
      ("luo-mingxuan", "panellist"), ("hany-mostafa", "panellist"))),
    (0, "14:00", "15:30",
     "Enablers and platforms: national MOOC platforms and a regional network for Asia-Pacific",
     "panel", "Breakout Room B", "Enablers and platforms", "en", "hybrid",
     "Platform managers share how they localise content, recognise credits across institutions "
     "and what a regional MOOC network should offer its members.",
     (("marina-volkova", "chair"), ("yang-shuwen", "panellist"),
      ("ratna-kusumawati", "panellist"), ("ruwan-jayasekara", "panellist"))),
    (0, "14:00", "15:30",
     "Workshop: the blended learning self-assessment framework piloted in Cambodia and Sri Lanka",
     "workshop", "Breakout Room C", "Institutional and training providers", "en", "in_person",
     "Participants apply the UNESCO self-assessment tool to their own institution, dimension by "
     "dimension, and compare results with the two pilot countries.",
     (("dilani-wickramasinghe", "facilitator"), ("chea-sovannarith", "facilitator"))),
    (0, "14:00", "15:30", "Workshop: designing IIOE courses for teachers in developing countries",
     "workshop", "Roundtable Room", "Institutional and training providers", "en", "in_person",
     "A hands-on session on course templates, quality criteria and the review process for "
     "courses published on the IIOE platform.",
     (("wu-jingyi", "facilitator"), ("ye-xinyi", "speaker"))),
    (0, "14:00", "15:00", "Live demo: AI-assisted captioning and translation for MOOCs",
     "workshop", "Online Studio", "Partnerships", "zh-hans", "online",
     "A live demonstration of automatic captioning, subtitle translation and speech search for "
     "lecture videos, with questions from online participants.",
     (("song-yutong", "host"),)),
    (0, "15:30", "16:00", "Coffee break", "break", "Plenary Hall", None, "en", "in_person", "",
     ()),
    (0, "16:00", "17:30",
     "Youth and adult learners: student insights on relevance, employability and lifelong "
     "learning", "plenary", "Plenary Hall", "Youth and adult learners", "en", "hybrid",
     "Students and lifelong learners describe what made online and blended courses work for them, "
     "what did not, and what they expect from universities next.",
     (("isabelle-moreau", "moderator"), ("wanjiru-kamau", "speaker"), ("he-zixuan", "speaker"),
      ("salote-vunibola", "speaker"), ("zheng-xiaoyu", "rapporteur"))),
    (0, "16:00", "17:30",
     "Workshop: stackable micro-credentials, from MOOC certificates to recognised qualifications",
     "workshop", "Breakout Room A", "Institutional and training providers", "en", "in_person",
     "How to design micro-credentials that stack into degrees, and how quality assurance and "
     "qualification frameworks can recognise them.",
     (("tsang-kawai", "facilitator"), ("imran-qureshi", "speaker"))),
    (0, "16:00", "17:30",
     "Workshop: localising open courses with translation, captions and offline delivery",
     "workshop", "Breakout Room B", "Enablers and platforms", "en", "in_person",
     "Practical steps for adapting MOOCs to local languages and limited connectivity, from "
     "campus caching servers to downloadable course packages.",
     (("ratna-kusumawati", "facilitator"), ("deng-kaiwen", "speaker"))),
    (0, "16:00", "17:30",
     "Workshop: data-driven monitoring and evaluation of ICT in higher education",
     "workshop", "Breakout Room C", "Policy measures", "en", "in_person",
     "Choosing indicators for SDG targets 4.3 and 4.4, and using platform data responsibly to "
     "monitor participation, completion and learning.",
     (("cholpon-abdyldaeva", "facilitator"), ("ruwan-jayasekara", "speaker"))),
    (0, "16:00", "17:00",
     "Philanthropy and public-private partnerships for digital higher education",
     "panel", "Online Studio", "Partnerships", "en", "online",
     "How foundations and companies can fund and support university networks without creating "
     "dependence on a single provider.",
     (("liang-shuyi", "host"), ("tigist-bekele", "speaker"), ("ye-xinyi", "speaker"))),
    (0, "17:30", "18:00", "Networking reception", "networking", "Plenary Hall", None, "en",
     "in_person", "Meet the speakers and visit the partners' demonstration stands in the foyer.",
     ()),
    # ---------------------------------------------------------------- Day 2
    (1, "08:30", "09:00", "Welcome coffee", "break", "Plenary Hall", None, "en", "in_person", "",
     ()),
    (1, "09:00", "10:15", "Launch of the IIOE national centres and the Russian-language IIOE "
     "platform", "launch", "Plenary Hall", "Partnerships", "en", "hybrid",
     "After an overview of the International Institute of Online Education, university leaders "
     "launch their IIOE national centres and present their work plans, and UNESCO IITE launches "
     "the platform for the Russian-speaking higher education workforce.",
     (("zhou-yanqing", "host"), ("wu-jingyi", "speaker"), ("imran-qureshi", "speaker"),
      ("nurul-hashim", "speaker"), ("batbayar-tsend", "speaker"), ("marina-volkova", "speaker"))),
    (1, "09:00", "10:15", "Workshop: building interactive lessons with smart classroom tools",
     "workshop", "Breakout Room C", "Partnerships", "zh-hans", "in_person",
     "A hands-on session with interactive whiteboards and classroom response tools for "
     "blended courses.",
     (("ye-xinyi", "facilitator"),)),
    (1, "10:15", "10:45", "Coffee break", "break", "Plenary Hall", None, "en", "in_person", "",
     ()),
    (1, "10:45", "11:30", "Keynote: From access to success with learner-centred digital higher "
     "education", "keynote", "Plenary Hall", "Youth and adult learners", "en", "hybrid",
     "Enrolment in online courses has grown faster than completion. What learning analytics and "
     "learner support tell us about closing the gap for first-generation and adult learners.",
     (("anjali-raghunathan", "chair"), ("tsang-kawai", "speaker"))),
    (1, "11:30", "12:30",
     "Partnerships: EdTech companies, foundations and universities co-creating digital higher "
     "education", "panel", "Plenary Hall", "Partnerships", "en", "hybrid",
     "Partners of the IIOE discuss shared responsibilities for infrastructure, content, teacher "
     "training and data protection.",
     (("guo-minghui", "moderator"), ("liang-shuyi", "panellist"), ("deng-kaiwen", "panellist"),
      ("song-yutong", "panellist"), ("luo-mingxuan", "panellist"))),
    (1, "10:45", "12:30",
     "Roundtable: promising practices in online and blended learning in Asia-Pacific and Europe",
     "roundtable", "Roundtable Room", "Institutional and training providers", "en", "hybrid",
     "Representatives of Indonesia, Sri Lanka, Kyrgyzstan and Serbia present one practice each "
     "from four perspectives: policy, institutional governance, programme and curriculum.",
     (("maria-dizon-reyes", "facilitator"), ("ratna-kusumawati", "panellist"),
      ("chamari-perera", "panellist"), ("nurlan-asanov", "panellist"),
      ("milica-jovanovic", "panellist"))),
    (1, "10:45", "12:30", "Workshop: quality assurance for online and blended programmes",
     "workshop", "Breakout Room A", "Policy measures", "en", "in_person",
     "Comparing national standards for online delivery, external review of blended programmes "
     "and how to assure the quality of courses sourced from MOOC platforms.",
     (("dilani-wickramasinghe", "facilitator"), ("hany-mostafa", "speaker"))),
    (1, "10:45", "12:30", "Workshop: open educational resources and open licensing for MOOCs",
     "workshop", "Breakout Room B", "Enablers and platforms", "en", "in_person",
     "Choosing licences, reusing and adapting open content, and sharing courses between "
     "national platforms.",
     (("yang-shuwen", "facilitator"), ("ruwan-jayasekara", "speaker"))),
    (1, "10:45", "11:45", "Digital pedagogy for the Russian-speaking higher education workforce",
     "workshop", "Online Studio", "Institutional and training providers", "en", "online",
     "An online session on the joint UNESCO-ICHEI and UNESCO IITE training programme for "
     "university teachers in Central Asia.",
     (("marina-volkova", "host"), ("cholpon-abdyldaeva", "speaker"))),
    (1, "12:30", "13:30", "Lunch", "break", "Plenary Hall", None, "en", "in_person",
     "Served in the foyer of the Plenary Hall.", ()),
    (1, "13:30", "15:00",
     "Towards the joint policy brief: ICT-driven innovation for inclusive, quality higher "
     "education", "plenary", "Plenary Hall", "Policy measures", "en", "hybrid",
     "The drafting team presents the key messages of the policy brief across the five levels of "
     "analysis and collects comments from the floor and from online participants.",
     (("zhou-yanqing", "chair"), ("nurul-hashim", "speaker"), ("isabelle-moreau", "speaker"),
      ("chea-sovannarith", "speaker"), ("zheng-xiaoyu", "rapporteur"))),
    (1, "13:30", "15:00", "Learning pathways for adult learners: recognising prior and online "
     "learning", "panel", "Breakout Room A", "Youth and adult learners", "en", "hybrid",
     "How open universities and technical universities recognise MOOCs and work experience, "
     "and what adult learners need to progress.",
     (("chamari-perera", "chair"), ("salote-vunibola", "panellist"),
      ("nurlan-asanov", "panellist"), ("wanjiru-kamau", "panellist"))),
    (1, "13:30", "15:00", "Workshop: generative AI for course design and assessment",
     "workshop", "Breakout Room B", "Partnerships", "zh-hans", "in_person",
     "Using AI tools to draft course outlines, question banks and feedback, and keeping "
     "assessment fair and academically honest.",
     (("song-yutong", "facilitator"), ("luo-mingxuan", "speaker"))),
    (1, "13:30", "15:00", "Workshop: research priorities for SDG targets 4.3 and 4.4",
     "workshop", "Breakout Room C", "Policy measures", "en", "in_person",
     "Participants rank research questions for the regional action plan on ICT-driven innovation "
     "and identify partners and data sources for each.",
     (("tsang-kawai", "facilitator"), ("ruwan-jayasekara", "speaker"))),
    (1, "13:30", "15:00",
     "Women and girls in digital higher education: closing the gender gap in online STEM",
     "panel", "Roundtable Room", "Youth and adult learners", "en", "in_person",
     "Students and staff on what keeps women enrolled in online STEM programmes, from "
     "mentoring to safe online spaces.",
     (("hany-mostafa", "chair"), ("ratna-kusumawati", "panellist"),
      ("milica-jovanovic", "panellist"), ("he-zixuan", "panellist"))),
    (1, "13:30", "14:30", "Student voices online: lifelong learners share their MOOC journeys",
     "panel", "Online Studio", "Youth and adult learners", "en", "online",
     "Learners joining from across Africa and Asia describe how they combined MOOCs, work and "
     "family, in conversation with online participants.",
     (("tigist-bekele", "host"),)),
    (1, "15:00", "15:30", "Coffee break", "break", "Plenary Hall", None, "en", "in_person", "",
     ()),
    (1, "15:30", "16:30", "Report-back: recommendations from the roundtable and workshops",
     "plenary", "Plenary Hall", None, "en", "hybrid",
     "Rapporteurs summarise the recommendations that will feed the joint policy brief and the "
     "regional research action plan.",
     (("anjali-raghunathan", "moderator"), ("maria-dizon-reyes", "speaker"),
      ("dilani-wickramasinghe", "speaker"), ("zheng-xiaoyu", "rapporteur"))),
    (1, "15:30", "16:30", "IIOE course development contest: results and awards",
     "plenary", "Online Studio", "Partnerships", "en", "online",
     "Announcement of the winning courses and the most participative institutions, with short "
     "presentations by the winners.",
     (("imran-qureshi", "host"), ("ye-xinyi", "speaker"), ("wu-jingyi", "speaker"))),
    (1, "16:30", "17:30", "Closing ceremony", "closing", "Plenary Hall", None, "en", "hybrid",
     "Adoption of the next steps for the policy brief and the research action plan, and closing "
     "remarks from the organisers and the IIOE rotating presidency.",
     (("zhou-yanqing", "moderator"), ("guo-minghui", "speaker"), ("hany-mostafa", "speaker"),
      ("lin-jiahao", "speaker"))),
    (1, "17:30", "18:00", "Farewell networking", "networking", "Plenary Hall", None, "en",
     "in_person", "", ()),
)
# fmt: on

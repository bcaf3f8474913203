"""The demo conference's content, modelled on the UNESCO Bangkok / UNESCO-ICHEI regional
consultations held in Shenzhen (see shared/seeds). Organisation names are the real ones the
seeds publish; no person is named."""

DEMO_SLUG = "ict-he-asia-pacific"
DEMO_TIME_ZONE = "Asia/Shanghai"

EVENT = {
    "slug": DEMO_SLUG,
    "title": "Regional Consultation on ICT-Driven Innovation in Higher Education in Asia-Pacific",
    "acronym": "ICT-HE 2026",
    "timezone": DEMO_TIME_ZONE,
    "format": "hybrid",
    "status": "published",
    "languages": ["en", "zh-hans", "ru"],
    "website": "https://example.org/ict-he-2026/",
    "contact_email": "consultation@example.org",
}

DESCRIPTION = """\
The rapid growth of digital economies throughout Asia and the Pacific continues to challenge the \
role of traditional higher education systems. Mobile learning, massive open online courses \
(MOOCs) and blended learning can widen access to quality higher education and open flexible \
lifelong learning pathways, yet the gap in ICT use risks deepening social polarisation for those \
already excluded from conventional higher education.

Building on the Asia-Pacific Regional Seminar on MOOCs for Higher Education and the Shenzhen \
Funds-in-Trust project on blended learning piloted in Cambodia and Sri Lanka, this two-day \
regional consultation brings together policymakers, university leaders, national MOOC platform \
managers, students and EdTech partners in Shenzhen and online. It is organised by the UNESCO \
Asia-Pacific Regional Bureau for Education (UNESCO Bangkok), the International Centre for Higher \
Education Innovation under the auspices of UNESCO (UNESCO-ICHEI) and the Southern University of \
Science and Technology (SUSTech), with technical assistance from Universiti Putra Malaysia (UPM) \
and the UNESCO Institute for Information Technologies in Education (UNESCO IITE).

The programme follows five levels of analysis: policy measures; enablers and platforms; \
institutional and training providers; youth and adult learners; and partnerships across sectors. \
Plenary sessions are interpreted into Chinese and Russian and streamed for online participants; \
roundtables in the breakout rooms collect practices from partner institutions of the \
International Institute of Online Education (IIOE).

Expected outcomes:
- a joint policy brief on emerging strategies that enhance the quality of teaching and learning \
and strengthen institutional governance through ICT-driven innovation;
- a regional action plan for research on ICT-driven innovation in higher education and the \
related SDG 4 targets (4.3 and 4.4);
- feedback from partner universities, governments and enterprises on the next steps for the IIOE \
network and its national centres.
"""

VENUE = {
    "name": "SUSTech Conference Centre",
    "address": "Southern University of Science and Technology\n"
    "1088 Xueyuan Avenue, Nanshan District, Guangdong 518055",
    "city": "Shenzhen",
    "country": "CN",
    "latitude": "22.596000",
    "longitude": "113.995000",
}

# fmt: off
# (name, kind, seats, floor, how to find it)
ROOMS = (
    ("Plenary Hall", "physical", 300, "1",
     "Ground floor, main entrance; interpretation booths at the back of the hall."),
    ("Breakout Room A", "physical", 80, "2", "Up the main stairs, first door on the left."),
    ("Breakout Room B", "physical", 60, "2", "Up the main stairs, end of the corridor."),
    ("Breakout Room C", "physical", 40, "3", "Lift to the third floor, opposite the lift."),
    ("Roundtable Room", "physical", 50, "3", "Lift to the third floor, next to the lounge."),
    ("Online Studio", "virtual", None, "",
     "Streamed on the event page with English, Chinese and Russian audio."),
)

# (name, colour, description): the five levels of the seeds' research framework.
TRACKS = (
    ("Policy measures", "#1f6feb",
     "National and institutional strategies for MOOCs and ICT in higher education, and the "
     "evidence base for data-driven monitoring and evaluation."),
    ("Enablers and platforms", "#2da44e",
     "National MOOC platforms, regional networks and how they develop and localise knowledge."),
    ("Institutional and training providers", "#bf8700",
     "How universities drive institutional change as boundaries between formal, non-formal and "
     "informal learning blur."),
    ("Youth and adult learners", "#cf222e",
     "Learner-centred experience: student insights on relevance and lifelong learning."),
    ("Partnerships", "#8250df",
     "Multi-sectoral engagement with EdTech providers, foundations and governments."),
)

# (role, [(name, acronym, country, kind, website), ...]) in the order the event lists them.
ORGANISATIONS = (
    ("organiser", [
        ("UNESCO Asia-Pacific Regional Bureau for Education", "UNESCO Bangkok", "TH",
         "un_agency", "https://www.unesco.org/en/fieldoffice/bangkok"),
        ("International Centre for Higher Education Innovation under the auspices of UNESCO",
         "UNESCO-ICHEI", "CN", "un_agency", "https://www.ichei.org"),
        ("Southern University of Science and Technology", "SUSTech", "CN", "university",
         "https://www.sustech.edu.cn"),
        ("Chinese National Commission for UNESCO", "", "CN", "government", ""),
    ]),
    ("co_host", [
        ("Universiti Putra Malaysia", "UPM", "MY", "university", "https://upm.edu.my"),
        ("UNESCO Institute for Information Technologies in Education", "UNESCO IITE", "RU",
         "un_agency", "https://iite.unesco.org"),
        ("University of Engineering and Technology, Lahore", "UET Lahore", "PK", "university",
         "https://uet.edu.pk"),
    ]),
    ("partner", [
        ("UNESCO", "", "FR", "un_agency", "https://www.unesco.org"),
        ("Education Bureau of Shenzhen Municipality", "", "CN", "government",
         "https://szeb.sz.gov.cn"),
        ("Ministry of Education, Youth and Sport", "MoEYS", "KH", "government",
         "https://www.moeys.gov.kh"),
        ("University Grants Commission", "UGC", "LK", "government", "https://www.ugc.ac.lk"),
        ("Ministry of Education and Science of the Kyrgyz Republic", "", "KG", "government",
         "https://edu.gov.kg"),
        ("Mongolian University of Science and Technology", "MUST", "MN", "university",
         "https://www.must.edu.mn"),
        ("Addis Ababa University", "AAU", "ET", "university", "https://www.aau.edu.et"),
        ("Ahmadu Bello University", "ABU", "NG", "university", "https://abu.edu.ng"),
        ("Ain Shams University", "ASU", "EG", "university", "https://www.asu.edu.eg"),
        ("Makerere University", "", "UG", "university", "https://www.mak.ac.ug"),
        ("Royal University of Phnom Penh", "RUPP", "KH", "university", "https://www.rupp.edu.kh"),
        ("University of Colombo", "", "LK", "university", "https://cmb.ac.lk"),
        ("The Open University of Sri Lanka", "OUSL", "LK", "university", "https://ou.ac.lk"),
        ("University of Djibouti", "", "DJ", "university", "https://www.univ.edu.dj"),
        ("University of The Gambia", "UTG", "GM", "university", "https://www.utg.edu.gm"),
        ("University of Nairobi", "UoN", "KE", "university", "https://www.uonbi.ac.ke"),
        ("Universitas Terbuka", "UT", "ID", "university", "https://www.ut.ac.id"),
        ("Kyrgyz State Technical University named after I. Razzakov", "KSTU", "KG",
         "university", "https://kstu.kg"),
        ("University of Belgrade", "", "RS", "university", "https://www.bg.ac.rs"),
        ("The Education University of Hong Kong", "EdUHK", "HK", "university",
         "https://www.eduhk.hk"),
        ("Tsinghua University", "", "CN", "university", "https://www.tsinghua.edu.cn"),
        ("Xidian University", "XDU", "CN", "university", "https://www.xidian.edu.cn"),
        ("Shenzhen Institute of Information Technology", "SZIIT", "CN", "university",
         "https://www.sziit.edu.cn"),
        ("Shenzhen Polytechnic University", "SZPU", "CN", "university",
         "https://www.szpu.edu.cn"),
    ]),
    ("sponsor", [
        ("Tencent Charity Foundation", "", "CN", "ngo", "https://gongyi.qq.com"),
        ("Huawei Technologies", "Huawei", "CN", "enterprise", "https://www.huawei.com"),
        ("iFLYTEK", "", "CN", "enterprise", "https://www.iflytek.com"),
        ("UBTech Robotics", "UBTech", "CN", "enterprise", "https://www.ubtrobot.com"),
        ("Seewo", "", "CN", "enterprise", "https://www.seewo.com"),
        ("CODEMAO", "", "CN", "enterprise", "https://www.codemao.cn"),
        ("Weidong Cloud Education", "", "CN", "enterprise", ""),
    ]),
)
# fmt: on

# Two companion events, so the list of events shows one past and one upcoming beside the live
# one. Dates are relative to the day of seeding; organisations refer to the rows above by name
# and country, or are added to the registry.

# Organisations of the companion events that the demo conference does not have.
EXTRA_ORGANISATIONS = (
    ("Tsinghua University", "", "CN", "university", "https://www.tsinghua.edu.cn"),
)


def organisation_row(key: str) -> tuple[str, str, str, str, str]:
    """A registry row by acronym, or by name when it has none."""
    rows = [row for _role, group in ORGANISATIONS for row in group] + list(EXTRA_ORGANISATIONS)
    return next(row for row in rows if key in (row[1], row[0]))


# Two companion events, so the list of events shows one past and one upcoming beside the live
# one. Dates are relative to the day of seeding; organisations are named by acronym or name.
COMPANIONS = (
    {
        "event": {
            "slug": "iioe-annual-meeting",
            "title": "Annual Partnership and IIOE Meeting: Digital Transformation of Higher "
            "Education in Asia-Pacific and Europe",
            "acronym": "IIOE Annual Meeting",
            "timezone": DEMO_TIME_ZONE,
            "format": "hybrid",
            "status": "archived",
            "languages": ["en", "zh-hans", "ru"],
            "contact_email": "iioe@example.org",
        },
        "description": """\
Experts and stakeholders convened online and offline for the annual partnership meeting of \
UNESCO-ICHEI and the International Institute of Online Education (IIOE), with the UNESCO \
Institute for Information Technologies in Education and the IIOE rotating presidency.

Policymakers, university leaders, teachers and researchers from Asia-Pacific, Europe, Latin \
America and the Caribbean launched the IIOE national centres and its Russian-language platform, \
and heard the results of the IIOE course development contest.""",
        "starts_in_days": -314,
        "days": 1,
        "venue": True,
        # Who came and who watched, and their certificates (confman/demo/past_edition.py).
        "attendance": True,
        "organisations": (
            ("organiser", "UNESCO-ICHEI"),
            ("co_host", "UNESCO IITE"),
            ("co_host", "UET Lahore"),
            ("partner", "UPM"),
            ("partner", "MUST"),
        ),
    },
    {
        "event": {
            "slug": "global-mooc-conference",
            "title": "Global MOOC Conference: Learning Revolution and Higher Education "
            "Transformation",
            "acronym": "GMC",
            "timezone": DEMO_TIME_ZONE,
            "format": "online",
            "status": "published",
            "languages": ["en", "zh-hans", "ru", "fr", "es", "ar"],
            "contact_email": "gmc@example.org",
        },
        "description": """\
World-leading universities and online education platforms from every region meet online for \
three days to promote good practice in MOOCs and online education, explore the role of \
technology in the future of higher education and encourage international cooperation, with \
representatives of over 2000 education organisations taking part.

Expected outcomes: the launch of a global MOOC alliance and an outcome declaration on MOOC \
development.""",
        "starts_in_days": 75,
        "days": 3,
        "venue": False,
        "organisations": (
            ("organiser", "Tsinghua University"),
            ("co_host", "UNESCO IITE"),
        ),
    },
)

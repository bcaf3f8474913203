"""The demo event's content in Chinese (Simplified): the seeding gives every title, room, track and
abstract in English and Chinese, so `make run` shows the event in both."""

ZH: dict[str, str] = {
    "Regional Consultation on ICT-Driven Innovation in Higher Education in Asia-Pacific": (
        "亚太地区信息通信技术驱动高等教育创新区域磋商会"
    ),
    (
        "The rapid growth of digital economies throughout Asia and the Pacific continues to "
        "challenge the role of traditional higher education systems. Mobile learning, massive open "
        "online courses (MOOCs) and blended learning can widen access to quality higher education "
        "and open flexible lifelong learning pathways, yet the gap in ICT use risks deepening "
        "social polarisation for those already excluded from conventional higher education.\n"
        "\n"
        "Building on the Asia-Pacific Regional Seminar on MOOCs for Higher Education and the "
        "Shenzhen Funds-in-Trust project on blended learning piloted in Cambodia and Sri Lanka, "
        "this two-day regional consultation brings together policymakers, university leaders, "
        "national MOOC platform managers, students and EdTech partners in Shenzhen and online. It "
        "is organised by the UNESCO Asia-Pacific Regional Bureau for Education (UNESCO Bangkok), "
        "the International Centre for Higher Education Innovation under the auspices of UNESCO "
        "(UNESCO-ICHEI) and the Southern University of Science and Technology (SUSTech), with "
        "technical assistance from Universiti Putra Malaysia (UPM) and the UNESCO Institute for "
        "Information Technologies in Education (UNESCO IITE).\n"
        "\n"
        "The programme follows five levels of analysis: policy measures; enablers and platforms; "
        "institutional and training providers; youth and adult learners; and partnerships across "
        "sectors. Plenary sessions are interpreted into Chinese and Russian and streamed for "
        "online participants; roundtables in the breakout rooms collect practices from partner "
        "institutions of the International Institute of Online Education (IIOE).\n"
        "\n"
        "Expected outcomes:\n"
        "- a joint policy brief on emerging strategies that enhance the quality of teaching and "
        "learning and strengthen institutional governance through ICT-driven innovation;\n"
        "- a regional action plan for research on ICT-driven innovation in higher education and "
        "the related SDG 4 targets (4.3 and 4.4);\n"
        "- feedback from partner universities, governments and enterprises on the next steps for "
        "the IIOE network and its national centres.\n"
    ): (
        "亚太地区数字经济的快速增长，持续对传统高等教育体系的作用提出挑战。移动学习、"
        "大规模开放在线课程（慕课）和混合式学习能够扩大优质高等教育的获取机会，"
        "开辟灵活的终身学习路径；然而，信息通信技术应用方面的差距，"
        "有可能加剧已被排斥在传统高等教育之外的群体所面临的社会两极分化。\n"
        "\n"
        "本次区域磋商会以“亚太地区高等教育慕课区域研讨会”"
        "以及在柬埔寨和斯里兰卡试点的深圳信托基金混合式学习项目为基础，为期两天，"
        "在深圳以线下与线上相结合的方式举行，汇聚政策制定者、大学领导、国家慕课平台管理者、"
        "学生和教育科技合作伙伴。"
        "会议由联合国教科文组织亚太地区教育局（联合国教科文组织曼谷办事处）、"
        "联合国教科文组织高等教育创新中心（UNESCO-ICHEI）和南方科技大学（南科大）联合主办，"
        "马来西亚博特拉大学（UPM）和联合国教科文组织教育信息技术研究所（UNESCO IITE）"
        "提供技术支持。\n"
        "\n"
        "会议议程围绕五个分析层面展开：政策措施；赋能因素与平台；院校与培训机构；青年和成人学习者；"
        "跨部门伙伴关系。全体会议提供中文和俄文口译，并面向线上与会者进行直播；"
        "在分组会议室举行的圆桌会议将汇集国际网络教育学院（IIOE）各合作院校的实践经验。\n"
        "\n"
        "预期成果：\n"
        "- 一份联合政策简报，阐述通过信息通信技术驱动的创新提升教与学质量、"
        "加强院校治理的新兴战略；\n"
        "- 一份关于高等教育领域信息通信技术驱动创新及相关可持续发展目标4具体目标（4.3和4.4）"
        "的区域研究行动计划；\n"
        "- 合作大学、政府和企业就IIOE网络及其国家中心下一步工作提出的反馈意见。\n"
    ),
    "SUSTech Conference Centre": "南方科技大学会议中心",
    (
        "Southern University of Science and Technology\n"
        "1088 Xueyuan Avenue, Nanshan District, Guangdong 518055"
    ): "南方科技大学\n广东省深圳市南山区学苑大道1088号，邮编518055",
    "Plenary Hall": "全体会议厅",
    "Ground floor, main entrance; interpretation booths at the back of the hall.": (
        "一楼，主入口处；同声传译间位于会场后方。"
    ),
    "Breakout Room A": "分组会议室A",
    "Up the main stairs, first door on the left.": "沿主楼梯上楼，左手第一间。",
    "Breakout Room B": "分组会议室B",
    "Up the main stairs, end of the corridor.": "沿主楼梯上楼，走廊尽头。",
    "Breakout Room C": "分组会议室C",
    "Lift to the third floor, opposite the lift.": "乘电梯至三楼，电梯正对面。",
    "Roundtable Room": "圆桌会议室",
    "Lift to the third floor, next to the lounge.": "乘电梯至三楼，休息区旁。",
    "Online Studio": "线上演播室",
    "Streamed on the event page with English, Chinese and Russian audio.": (
        "在活动页面直播，提供英文、中文和俄文音频。"
    ),
    "Policy measures": "政策措施",
    (
        "National and institutional strategies for MOOCs and ICT in higher education, and the "
        "evidence base for data-driven monitoring and evaluation."
    ): (
        "国家和院校层面关于慕课及高等教育信息通信技术应用的战略，"
        "以及开展数据驱动的监测与评估所需的证据基础。"
    ),
    "Enablers and platforms": "赋能因素与平台",
    "National MOOC platforms, regional networks and how they develop and localise knowledge.": (
        "国家慕课平台、区域网络，以及它们如何开发知识并实现知识本地化。"
    ),
    "Institutional and training providers": "院校与培训机构",
    (
        "How universities drive institutional change as boundaries between formal, non-formal and "
        "informal learning blur."
    ): "在正规、非正规和非正式学习之间的界限日益模糊之际，大学如何推动院校变革。",
    "Youth and adult learners": "青年和成人学习者",
    "Learner-centred experience: student insights on relevance and lifelong learning.": (
        "以学习者为中心的体验：学生对学习相关性和终身学习的见解。"
    ),
    "Partnerships": "伙伴关系",
    "Multi-sectoral engagement with EdTech providers, foundations and governments.": (
        "与教育科技企业、基金会和政府开展多部门合作。"
    ),
    "Registration and welcome coffee": "报到注册及欢迎茶歇",
    "Collect your badge and interpretation receiver at the main entrance.": (
        "请在主入口处领取胸卡和同声传译接收器。"
    ),
    "Opening ceremony": "开幕式",
    (
        "Welcome remarks from the organisers, UNESCO, the Chinese National Commission for UNESCO "
        "and the host university, and the objectives of the regional consultation."
    ): (
        "主办方、联合国教科文组织、中国联合国教科文组织全国委员会和东道主大学致欢迎辞，"
        "并介绍本次区域磋商会的目标。"
    ),
    "Keynote: Seizing digital opportunities for SDG 4 in Asia-Pacific higher education": (
        "主旨演讲：把握数字机遇，推动亚太地区高等教育实现可持续发展目标4"
    ),
    (
        "What a decade of MOOCs, mobile learning and blended learning has changed for access and "
        "quality in the region's universities, and where the digital divide is widening instead."
    ): (
        "十年来，慕课、移动学习和混合式学习给本地区大学的入学机会和教育质量带来了哪些变化，"
        "数字鸿沟又在哪些方面反而不断扩大。"
    ),
    "Coffee break and group photo": "茶歇及集体合影",
    "Policy measures: national strategies for MOOCs and ICT in higher education": (
        "政策措施：慕课及高等教育信息通信技术应用的国家战略"
    ),
    (
        "Ministries and quality agencies from Cambodia, Kyrgyzstan and Pakistan compare how they "
        "fund, regulate and monitor online and blended provision, and what evidence they still "
        "lack."
    ): (
        "来自柬埔寨、吉尔吉斯斯坦和巴基斯坦的教育部门和质量保障机构比较各自如何资助、"
        "监管和监测在线与混合式教育，并探讨目前仍缺乏哪些证据。"
    ),
    "Reaching remote learners: low-bandwidth blended learning from the Pacific to East Africa": (
        "惠及偏远地区学习者：从太平洋到东非的低带宽混合式学习"
    ),
    (
        "An online-only conversation on offline-first course packages, mobile delivery and tutor "
        "support for learners far from campus."
    ): "一场纯线上对话，探讨面向远离校园的学习者的离线优先课程包、移动端教学以及辅导教师支持。",
    "Lunch": "午餐",
    "Served in the foyer of the Plenary Hall.": "于全体会议厅门厅供应。",
    "Institutional and training providers: leading digital transformation in universities": (
        "院校与培训机构：引领大学数字化转型"
    ),
    (
        "University leaders discuss governance, staff capacity and incentives for blended learning "
        "as the boundaries between formal, non-formal and informal learning blur."
    ): (
        "在正规、非正规和非正式学习之间的界限日益模糊之际，大学领导就混合式学习的治理、"
        "教职员工能力和激励机制展开讨论。"
    ),
    "Enablers and platforms: national MOOC platforms and a regional network for Asia-Pacific": (
        "赋能因素与平台：国家慕课平台与亚太地区区域网络"
    ),
    (
        "Platform managers share how they localise content, recognise credits across institutions "
        "and what a regional MOOC network should offer its members."
    ): (
        "平台管理者分享如何实现内容本地化、如何开展跨院校学分认定，"
        "并探讨区域慕课网络应为其成员提供哪些服务。"
    ),
    "Workshop: the blended learning self-assessment framework piloted in Cambodia and Sri Lanka": (
        "工作坊：在柬埔寨和斯里兰卡试点的混合式学习自我评估框架"
    ),
    (
        "Participants apply the UNESCO self-assessment tool to their own institution, dimension by "
        "dimension, and compare results with the two pilot countries."
    ): (
        "与会者运用联合国教科文组织自我评估工具，逐一维度地对本院校进行评估，"
        "并将结果与两个试点国家进行比较。"
    ),
    "Workshop: designing IIOE courses for teachers in developing countries": (
        "工作坊：为发展中国家教师设计IIOE课程"
    ),
    (
        "A hands-on session on course templates, quality criteria and the review process for "
        "courses published on the IIOE platform."
    ): "实操环节，介绍在IIOE平台上发布课程的课程模板、质量标准和审核流程。",
    "Live demo: AI-assisted captioning and translation for MOOCs": (
        "现场演示：人工智能辅助的慕课字幕生成与翻译"
    ),
    (
        "A live demonstration of automatic captioning, subtitle translation and speech search for "
        "lecture videos, with questions from online participants."
    ): "现场演示讲座视频的自动字幕生成、字幕翻译和语音检索，并回答线上与会者的提问。",
    "Coffee break": "茶歇",
    (
        "Youth and adult learners: student insights on relevance, employability and lifelong "
        "learning"
    ): "青年和成人学习者：学生对学习相关性、就业能力和终身学习的见解",
    (
        "Students and lifelong learners describe what made online and blended courses work for "
        "them, what did not, and what they expect from universities next."
    ): (
        "学生和终身学习者讲述在线课程和混合式课程中哪些做法对他们行之有效、哪些收效不佳，"
        "以及他们对大学的下一步有何期待。"
    ),
    "Workshop: stackable micro-credentials, from MOOC certificates to recognised qualifications": (
        "工作坊：可叠加微证书——从慕课证书到获得认可的资历"
    ),
    (
        "How to design micro-credentials that stack into degrees, and how quality assurance and "
        "qualification frameworks can recognise them."
    ): "如何设计可叠加累积为学位的微证书，以及质量保障体系和资历框架如何对其予以认可。",
    "Workshop: localising open courses with translation, captions and offline delivery": (
        "工作坊：通过翻译、字幕和离线交付实现开放课程本地化"
    ),
    (
        "Practical steps for adapting MOOCs to local languages and limited connectivity, from "
        "campus caching servers to downloadable course packages."
    ): "使慕课适应当地语言和有限网络条件的实用步骤，从校园缓存服务器到可下载的课程包。",
    "Workshop: data-driven monitoring and evaluation of ICT in higher education": (
        "工作坊：高等教育信息通信技术应用的数据驱动监测与评估"
    ),
    (
        "Choosing indicators for SDG targets 4.3 and 4.4, and using platform data responsibly to "
        "monitor participation, completion and learning."
    ): "为可持续发展目标具体目标4.3和4.4选择指标，并负责任地利用平台数据监测参与、完成和学习情况。",
    "Philanthropy and public-private partnerships for digital higher education": (
        "慈善事业与公私伙伴关系助力数字化高等教育"
    ),
    (
        "How foundations and companies can fund and support university networks without creating "
        "dependence on a single provider."
    ): "基金会和企业如何在不造成对单一供应商依赖的前提下，资助和支持大学网络。",
    "Networking reception": "交流招待会",
    "Meet the speakers and visit the partners' demonstration stands in the foyer.": (
        "与演讲嘉宾会面交流，并参观门厅内合作伙伴的展示台。"
    ),
    "Welcome coffee": "欢迎茶歇",
    "Launch of the IIOE national centres and the Russian-language IIOE platform": (
        "IIOE国家中心及IIOE俄文平台启动仪式"
    ),
    (
        "After an overview of the International Institute of Online Education, university leaders "
        "launch their IIOE national centres and present their work plans, and UNESCO IITE launches "
        "the platform for the Russian-speaking higher education workforce."
    ): (
        "在介绍国际网络教育学院概况之后，各大学领导启动各自的IIOE国家中心并介绍工作计划，"
        "联合国教科文组织教育信息技术研究所启动面向俄语国家高等教育从业人员的平台。"
    ),
    "Workshop: building interactive lessons with smart classroom tools": (
        "工作坊：利用智慧教室工具打造互动课堂"
    ),
    (
        "A hands-on session with interactive whiteboards and classroom response tools for blended "
        "courses."
    ): "实操环节，体验用于混合式课程的交互式白板和课堂应答工具。",
    "Keynote: From access to success with learner-centred digital higher education": (
        "主旨演讲：以学习者为中心的数字化高等教育——从入学机会到学业成功"
    ),
    (
        "Enrolment in online courses has grown faster than completion. What learning analytics and "
        "learner support tell us about closing the gap for first-generation and adult learners."
    ): (
        "在线课程注册人数的增长快于完成人数的增长。"
        "学习分析和学习者支持能为缩小第一代大学生和成人学习者的差距提供哪些启示？"
    ),
    (
        "Partnerships: EdTech companies, foundations and universities co-creating digital higher "
        "education"
    ): "伙伴关系：教育科技企业、基金会和大学共创数字化高等教育",
    (
        "Partners of the IIOE discuss shared responsibilities for infrastructure, content, teacher "
        "training and data protection."
    ): "IIOE合作伙伴就基础设施、内容、教师培训和数据保护方面的共同责任展开讨论。",
    "Roundtable: promising practices in online and blended learning in Asia-Pacific and Europe": (
        "圆桌会议：亚太地区和欧洲在线学习与混合式学习的有益实践"
    ),
    (
        "Representatives of Indonesia, Sri Lanka, Kyrgyzstan and Serbia present one practice each "
        "from four perspectives: policy, institutional governance, programme and curriculum."
    ): (
        "印度尼西亚、斯里兰卡、吉尔吉斯斯坦和塞尔维亚的代表各介绍一项实践，分别从政策、院校治理、"
        "专业和课程四个视角展开。"
    ),
    "Workshop: quality assurance for online and blended programmes": (
        "工作坊：在线与混合式教学项目的质量保障"
    ),
    (
        "Comparing national standards for online delivery, external review of blended programmes "
        "and how to assure the quality of courses sourced from MOOC platforms."
    ): (
        "比较各国关于在线教学的国家标准和混合式教学项目的外部评审，"
        "并探讨如何保障从慕课平台引进课程的质量。"
    ),
    "Workshop: open educational resources and open licensing for MOOCs": (
        "工作坊：慕课的开放教育资源与开放许可"
    ),
    (
        "Choosing licences, reusing and adapting open content, and sharing courses between "
        "national platforms."
    ): "选择许可协议，重用和改编开放内容，以及在各国平台之间共享课程。",
    "Digital pedagogy for the Russian-speaking higher education workforce": (
        "面向俄语国家高等教育从业人员的数字教学法"
    ),
    (
        "An online session on the joint UNESCO-ICHEI and UNESCO IITE training programme for "
        "university teachers in Central Asia."
    ): (
        "线上专场，介绍联合国教科文组织高等教育创新中心与联合国教科文组织教育信息技术研究所面向中亚"
        "大学教师联合开展的培训项目。"
    ),
    (
        "Towards the joint policy brief: ICT-driven innovation for inclusive, quality higher "
        "education"
    ): "迈向联合政策简报：以信息通信技术驱动的创新促进包容、优质的高等教育",
    (
        "The drafting team presents the key messages of the policy brief across the five levels of "
        "analysis and collects comments from the floor and from online participants."
    ): "起草小组按五个分析层面介绍政策简报的关键信息，并听取现场和线上与会者的意见。",
    "Learning pathways for adult learners: recognising prior and online learning": (
        "成人学习者的学习路径：认可先前学习和在线学习"
    ),
    (
        "How open universities and technical universities recognise MOOCs and work experience, and "
        "what adult learners need to progress."
    ): "开放大学和理工类大学如何认可慕课学习和工作经验，以及成人学习者需要哪些支持才能继续进阶。",
    "Workshop: generative AI for course design and assessment": (
        "工作坊：生成式人工智能在课程设计与评估中的应用"
    ),
    (
        "Using AI tools to draft course outlines, question banks and feedback, and keeping "
        "assessment fair and academically honest."
    ): "利用人工智能工具起草课程大纲、题库和反馈意见，同时确保评估公平并恪守学术诚信。",
    "Workshop: research priorities for SDG targets 4.3 and 4.4": (
        "工作坊：可持续发展目标具体目标4.3和4.4的研究重点"
    ),
    (
        "Participants rank research questions for the regional action plan on ICT-driven "
        "innovation and identify partners and data sources for each."
    ): (
        "与会者为信息通信技术驱动创新区域行动计划的研究问题排定优先次序，"
        "并为每个问题确定合作伙伴和数据来源。"
    ),
    "Women and girls in digital higher education: closing the gender gap in online STEM": (
        "数字化高等教育中的妇女和女童：缩小在线STEM教育中的性别差距"
    ),
    (
        "Students and staff on what keeps women enrolled in online STEM programmes, from mentoring "
        "to safe online spaces."
    ): "学生和教职员工探讨哪些因素能让女性坚持修读在线STEM专业，从导师指导到安全的网络空间。",
    "Student voices online: lifelong learners share their MOOC journeys": (
        "线上学生之声：终身学习者分享慕课学习历程"
    ),
    (
        "Learners joining from across Africa and Asia describe how they combined MOOCs, work and "
        "family, in conversation with online participants."
    ): "来自非洲和亚洲各地的学习者与线上与会者对话，讲述他们如何兼顾慕课学习、工作和家庭。",
    "Report-back: recommendations from the roundtable and workshops": (
        "成果汇报：圆桌会议和工作坊提出的建议"
    ),
    (
        "Rapporteurs summarise the recommendations that will feed the joint policy brief and the "
        "regional research action plan."
    ): "报告员总结将纳入联合政策简报和区域研究行动计划的各项建议。",
    "IIOE course development contest: results and awards": "IIOE课程开发大赛：结果公布与颁奖",
    (
        "Announcement of the winning courses and the most participative institutions, with short "
        "presentations by the winners."
    ): "公布获奖课程和参与最积极的院校，并由获奖者作简短介绍。",
    "Closing ceremony": "闭幕式",
    (
        "Adoption of the next steps for the policy brief and the research action plan, and closing "
        "remarks from the organisers and the IIOE rotating presidency."
    ): "通过政策简报和研究行动计划的后续步骤，并由主办方和IIOE轮值主席致闭幕辞。",
    "Farewell networking": "告别交流会",
    "Dean, School of Education Innovation": "教育创新学院院长",
    "Director": "主任",
    "Vice-President for International Affairs": "分管国际事务副校长",
    "Deputy Secretary-General": "副秘书长",
    "Chief, Section for Educational Innovation and Skills Development": "教育创新与技能发展科科长",
    "Programme Specialist, Section for Higher Education": "高等教育科项目专家",
    "Deputy Vice-Chancellor (Academic and International)": "副校长（学术与国际事务）",
    "Programme Specialist, Digital Pedagogy and Learning Materials": "数字教学法与学习资料项目专家",
    "Director, Centre for Online and Blended Learning": "在线与混合式学习中心主任",
    "Chair Professor of Digital Learning and Innovation": "数字学习与创新讲座教授",
    "Vice-Rector for Academic Affairs": "分管学术事务副校长",
    "Deputy Director-General of Higher Education": "高等教育总司副总司长",
    "Director, Quality Assurance Council": "质量保障委员会主任",
    "Senior Lecturer in Educational Technology": "教育技术高级讲师",
    "Dean, Faculty of Education": "教育学院院长",
    "Head, Centre for Learning Innovation": "学习创新中心负责人",
    "Vice-Rector for Digital Development": "分管数字化发展副校长",
    "Professor of e-Learning Systems": "电子学习系统教授",
    "Professor of Educational Technology and independent consultant": "教育技术教授、独立顾问",
    "Head, Higher Education Policy Division": "高等教育政策处处长",
    "Programme Director, Education": "教育项目总监",
    "Director, Education Industry Solutions": "教育行业解决方案总监",
    "Head of Higher Education AI Research": "高等教育人工智能研究负责人",
    "International Partnerships Manager": "国际合作经理",
    "Deputy Director, Online Education Office": "在线教育办公室副主任",
    "Dean, School of Software Engineering": "软件工程学院院长",
    "Head, IIOE Programme Office": "IIOE项目办公室主任",
    "Research Officer": "研究专员",
    "Director of Digital Learning": "数字学习部门主任",
    "Vice-President for Education and Student Affairs": "分管教育与学生事务副校长",
    # Tickets
    "Online participant": "线上参会者",
    "Follow the plenaries and the online sessions, with interpretation into Chinese and "
    "Russian, and take part in the online roundtable.": (
        "在线收看全体会议和线上会议（提供中文和俄文传译），并参加线上圆桌会议。"
    ),
    "Delegate": "代表",
    "For members of the invited national delegations: all sessions in Shenzhen, lunches and "
    "the networking reception. The organisers confirm each registration.": (
        "供受邀国家代表团成员使用：可参加在深圳举行的全部会议、午餐和交流招待会。每份注册均由主办方确认。"
    ),
    "IIOE partner": "IIOE合作伙伴",
    "For partner universities and enterprises of the IIOE, with the access code from their "
    "invitation; in person or online.": (
        "供IIOE合作高校和企业使用，请使用邀请函中的访问码；可现场或线上参会。"
    ),
    "Master's student in Educational Technology": "教育技术专业硕士研究生",
    "Undergraduate student, School of Artificial Intelligence": "人工智能学院本科生",
    "Lecturer in Flexible Learning": "灵活学习讲师",
    "Participant": "参会者",
    "Outcome document: the Shenzhen Statement": "成果文件：《深圳声明》",
    "Recording of the opening ceremony": "开幕式录像",
    "Concept note": "概念说明",
}


def in_english_and_chinese(text: str) -> dict[str, str] | str:
    """The demo's content as its organisers would give it: in English and Chinese."""
    chinese = ZH.get(text)
    return {"en": text, "zh-hans": chinese} if chinese else text

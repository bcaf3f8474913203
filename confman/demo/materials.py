"""The demo's materials: the outcome document of the closing ceremony (a PDF anyone may
download), the opening's recording (a link), and the event's concept note for participants
only, so the session pages, the live page and the exports have something to offer."""

from django.core.files.base import ContentFile
from fpdf import FPDF

from confman.demo.chinese import in_english_and_chinese
from events.models import Event
from sessions.models import MaterialAudience, MaterialKind
from sessions.services.materials import material_add

OUTCOME_TITLE = "Shenzhen Statement on the Digital Transformation of Higher Education"
OUTCOME = (
    "Adopted at the closing ceremony of the Regional Consultation on ICT in Higher Education "
    "in Asia-Pacific. This is a fictional document made for the confman demo.",
    "1. Participants agreed that digital transformation is a matter of institutional strategy, "
    "not of technology alone, and that quality assurance must cover online and blended "
    "provision on equal terms.",
    "2. They asked the organisers to prepare, with the national delegations, a policy brief on "
    "micro-credentials and their recognition across the region, for consultation within six "
    "months.",
    "3. They agreed on a research action plan on learning analytics that protects learners' "
    "data, and on sharing open educational resources in the languages of the region.",
    "4. They thanked the host and the partner universities and enterprises, and agreed to meet "
    "again next year, online and in person.",
)
CONCEPT_NOTE = (
    "Concept note",
    "The consultation brings together policymakers, university leaders and experts from "
    "Asia-Pacific to share how higher education systems use ICT, and to agree on next steps. "
    "This is a fictional document made for the confman demo.",
)


def _pdf(title: str, paragraphs: tuple[str, ...]) -> bytes:
    document = FPDF(format="A4")
    document.set_title(title)
    document.set_margins(22, 22)
    document.add_page()
    document.set_font("Helvetica", "B", 16)
    document.multi_cell(0, 8, title)
    document.ln(4)
    document.set_font("Helvetica", size=11)
    for paragraph in paragraphs:
        document.multi_cell(0, 6, paragraph)
        document.ln(3)
    return bytes(document.output())


def seed_demo_materials(event: Event) -> int:
    sessions = {str(s.title.localize("en")): s for s in event.sessions.all()}
    closing, opening = sessions.get("Closing ceremony"), sessions.get("Opening ceremony")
    added = [
        material_add(
            event=event,
            session=closing,
            by=None,
            kind=MaterialKind.DOCUMENT,
            title=in_english_and_chinese("Outcome document: the Shenzhen Statement"),
            file=ContentFile(_pdf(OUTCOME_TITLE, OUTCOME), name="shenzhen-statement.pdf"),
        ),
        material_add(
            event=event,
            session=opening,
            by=None,
            kind=MaterialKind.RECORDING,
            title=in_english_and_chinese("Recording of the opening ceremony"),
            url="https://video.example.org/ict-he-asia-pacific/opening",
        ),
        material_add(
            event=event,
            by=None,
            kind=MaterialKind.DOCUMENT,
            title=in_english_and_chinese("Concept note"),
            file=ContentFile(_pdf(*CONCEPT_NOTE[:1], CONCEPT_NOTE[1:]), name="concept-note.pdf"),
            audience=MaterialAudience.PARTICIPANTS,
        ),
    ]
    return len(added)

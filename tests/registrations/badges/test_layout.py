"""How a badge's text is set: what no font can print is left out and said, and any name, however
long and in whatever script, is printed whole, within the margins, at a legible size. Checked on
the PDF itself: where pdfium finds each letter, and at what size."""

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pypdfium2.raw
import pytest

from registrations.badges.content import badge_pdf
from registrations.badges.pdf import (
    HEADER,
    MARGIN,
    NAME_BOX,
    NAME_SIZES,
    WIDTH,
    Badge,
    rasterise,
    render,
)
from registrations.badges.typeset import fit, graphemes, pieces, printable
from tests.factories.registrations import BadgeRegistrationFactory, TicketTypeFactory
from tests.helpers import pdf_text

pytestmark = pytest.mark.django_db

MM = 25.4 / 72
NAME_TOP = HEADER + 3
NAME_BOTTOM = NAME_TOP + NAME_BOX  # the organisation's box starts half a millimetre below
SMALLEST = NAME_SIZES[1]

# As long as the name's box holds at 14 pt, each about 320 mm of text at that size: 120 letters,
# or 60 ideographs (a full-width character is as wide as two letters; five lines of 18). Longer
# still prints whole, smaller: test_a_name_longer_than_the_box_is_meant_for_is_still_printed_whole.
LONG_NAMES = {
    "latin": (
        "Maximiliano Alejandro Hernández-Villanueva de la Cruz y Montenegro Bustamante "
        "Oyelaran-Adebayo Wolfeschlegelsteinhausen Ortiz"
    ),
    "cjk": "王小明李华張偉陈静怡刘洋黄志强周杰吴晓燕赵敏孙立阿" * 2 + "王小明李华張偉陈静怡",
    "arabic": (
        "محمد بن عبد الله بن عبد المطلب الهاشمي القرشي أبو القاسم عبد الرحمن بن عوف "
        "الزهري فاطمة الزهراء بنت أسد بن هاشم بن عبد مناف"
    ),
}


@dataclass(frozen=True)
class Letter:
    text: str
    left: float  # mm from the page's left edge
    right: float
    top: float  # mm from the page's top edge
    bottom: float
    size: float  # pt


def letters(pdf: bytes) -> list[Letter]:
    """Every visible character on the first page, with its box and font size, as pdfium
    (a reader other than the writer) finds them."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        height = page.get_height()
        text = page.get_textpage()
        found = []
        for index in range(text.count_chars()):
            # pdfium reports a hyphen that ends a line as U+FFFE.
            character = text.get_text_range(index, 1).replace("\ufffe", "-")
            if not character.strip():
                continue
            left, bottom, right, top = text.get_charbox(index)
            size = pypdfium2.raw.FPDFText_GetFontSize(text.raw, index)
            found.append(
                Letter(
                    character,
                    left * MM,
                    right * MM,
                    (height - top) * MM,
                    (height - bottom) * MM,
                    size,
                )
            )
        return found
    finally:
        document.close()


def within_margins(letter: Letter) -> bool:
    return letter.left >= MARGIN and letter.right <= WIDTH - MARGIN


def name_letters(pdf: bytes) -> list[Letter]:
    """The letters between the header and the organisation's box."""
    return [letter for letter in letters(pdf) if HEADER <= letter.top < NAME_BOTTOM]


def save_png(pdf: bytes, name: str) -> None:
    """The badge as $CONFMAN_SCREENSHOTS/<name>.png when that is set (the closing notes'
    pictures); otherwise nothing."""
    folder = os.environ.get("CONFMAN_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        Path(folder, f"{name}.png").write_bytes(rasterise(pdf, dpi=150))


@pytest.fixture
def ticket(event):
    return TicketTypeFactory(event=event, name="Delegate")


def a_badge(name: str, organisation: str = "University of Nairobi") -> Badge:
    return Badge(
        name=name,
        organisation=organisation,
        country="Kenya",
        role="Attendee",
        mode="in_person",
        mode_label="In person",
        secret="x" * 32,
        event_title="Asia-Pacific Regional Seminar",
        event_when="3–4 November 2026 · Bangkok",
    )


# --- what no font can print ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "printed", "left_out"),
    [
        ("Ana 🌻 Silva", "Ana Silva", ("🌻",)),
        ("Ana🌻Silva", "Ana Silva", ("🌻",)),  # the symbol stood between two words
        ("  Ana   Silva ", "Ana Silva", ()),
        ("Dev 👩‍💻 Kim 🇰🇪 👍🏽", "Dev Kim", ("👩‍💻", "🇰🇪", "👍🏽")),  # sequences go whole
        ("🌻 Ana 🌻", "Ana", ("🌻",)),
        ("محمد‌رضا شجریان", "محمد‌رضا شجریان", ()),  # Persian's zero-width non-joiner stays
        ("José Ñúñez", "José Ñúñez", ()),
        ("አበበ ቢቂላ", "", ("አ", "በ", "ቢ", "ቂ", "ላ")),  # Ethiopic: no bundled font
    ],
)
def test_printable_leaves_out_what_no_bundled_font_has_and_says_what(text, printed, left_out):
    assert printable(text) == (printed, left_out)


def test_a_name_with_an_emoji_is_printed_without_it_centred_with_one_space(ticket):
    registration = BadgeRegistrationFactory(ticket=ticket, name="Ana 🌻 Silva")

    pdf = badge_pdf(registration)

    text = pdf_text(pdf)
    assert "Ana Silva" in text
    assert "Ana  Silva" not in text
    name = name_letters(pdf)
    assert "".join(letter.text for letter in name) == "AnaSilva"
    left, right = min(x.left for x in name), max(x.right for x in name)
    assert abs((left + right) / 2 - WIDTH / 2) < 0.5  # centred (it was 3.2 mm to the left)
    assert {letter.size for letter in name} == {NAME_SIZES[0]}
    save_png(pdf, "badge-emoji")


def test_the_badge_says_what_it_prints_without():
    badge = a_badge("Ana 🌻 Silva", organisation="Café ☕ Collective 🌻")

    assert badge.left_out() == ("🌻", "☕")
    assert a_badge("Amina Yusuf").left_out() == ()


# --- long names -------------------------------------------------------------------------------


@pytest.mark.parametrize("script", LONG_NAMES)
def test_a_120_character_name_is_printed_whole_within_the_margins_at_a_legible_size(script):
    name = LONG_NAMES[script]
    assert len(name) >= (60 if script == "cjk" else 120)

    pdf = render([a_badge(name)])

    text = unicodedata.normalize("NFKC", pdf_text(pdf))
    if script == "cjk":  # lines break between characters
        assert name in text.replace("\r\n", "")
    else:
        assert all(word in text for word in name.split())
    assert "…" not in text
    assert all(within_margins(letter) for letter in letters(pdf))
    printed = name_letters(pdf)
    if script != "arabic":  # where a ligature is one glyph for two letters
        assert len(printed) == len(name.replace(" ", ""))
    assert min(letter.size for letter in printed) >= SMALLEST
    assert min(letter.top for letter in printed) >= NAME_TOP
    assert max(letter.bottom for letter in printed) <= NAME_BOTTOM + 0.5
    save_png(pdf, "badge-long-name" if script == "latin" else f"badge-long-name-{script}")


def test_a_long_organisation_wraps_and_shrinks_rather_than_being_cut():
    organisation = (
        "International Federation of Library Associations and Institutions, "
        "Regional Office for Asia and Oceania"
    )

    pdf = render([a_badge("Amina Yusuf", organisation=organisation)])

    text = pdf_text(pdf)
    assert all(word in text for word in organisation.split())
    assert all(within_margins(letter) for letter in letters(pdf))


def test_a_name_longer_than_the_box_is_meant_for_is_still_printed_whole():
    """200 characters (the most a registration's name holds): smaller than the legible size,
    words broken where they must be, but every letter there."""
    name = ("Wolfeschlegelsteinhausenbergerdorff " * 6)[:200]

    pdf = render([a_badge(name)])

    printed = "".join(letter.text for letter in name_letters(pdf))
    assert printed == name.replace(" ", "")
    assert all(within_margins(letter) for letter in letters(pdf))


# --- the fitting, on its own --------------------------------------------------------------------


def monospaced(text: str) -> float:
    """A stand-in for a font: 0.2 mm a character at 1 pt (5 mm at 25 pt), a space half."""
    return sum(0.1 if character == " " else 0.2 for character in text)


def box(text: str, **overrides):
    arguments = {"width": 100, "height": 30, "largest": 25, "smallest": 10} | overrides
    return fit(text, monospaced, **arguments)


def test_a_short_text_is_one_line_at_the_largest_size():
    fitted = box("Ana Silva")

    assert (fitted.size, fitted.lines) == (25, ("Ana Silva",))


def test_a_text_a_little_too_wide_shrinks_on_one_line():
    fitted = box("A" * 22)  # 110 mm at 25 pt

    assert fitted.lines == ("A" * 22,)
    assert 0.75 * 25 <= fitted.size < 25
    assert fitted.widths[0] <= 100


def test_a_longer_text_goes_on_balanced_lines_before_it_shrinks():
    fitted = box("Aaaaaaaa Bbbbbbbb Cccccccc Dddddddd")  # 35 characters: 170 mm at 25 pt

    assert fitted.size == 25
    assert fitted.lines == ("Aaaaaaaa Bbbbbbbb", "Cccccccc Dddddddd")


def test_then_smaller_on_more_lines_down_to_the_smallest_size():
    words = " ".join(["Aaaaaaaa"] * 12)

    fitted = box(words)

    assert 10 <= fitted.size < 25
    assert len(fitted.lines) >= 3
    assert " ".join(fitted.lines) == words
    assert max(fitted.widths) <= 100
    assert len(fitted.lines) * fitted.size * 25.4 / 72 * 1.15 <= 30 + 1e-9


def test_text_without_spaces_breaks_between_ideographs_in_balanced_lines():
    name = "王小明李华張偉陈静怡刘洋黄志强"

    fitted = box(name, width=50)

    assert "".join(fitted.lines) == name
    assert len(fitted.lines) == 2
    assert abs(len(fitted.lines[0]) - len(fitted.lines[1])) <= 1


def test_a_word_too_long_at_the_smallest_size_is_broken_between_graphemes_not_cut():
    word = "Wolfeschlegelsteinhausen" * 3 + "é\u0301"  # ends with a combining mark

    fitted = box(word, width=60, height=20)

    assert fitted.size == 10
    assert "".join(fitted.lines) == word
    assert max(fitted.widths) <= 60
    assert all(not unicodedata.combining(line[0]) for line in fitted.lines)


def test_beyond_the_smallest_size_it_goes_smaller_rather_than_cut():
    text = "x" * 400

    fitted = box(text, width=50, height=10)

    assert fitted.size < 10
    assert "".join(fitted.lines) == text
    assert max(fitted.widths) <= 50


def test_lines_break_after_hyphens_and_between_ideographs_but_not_inside_graphemes():
    assert [piece for _space, piece in pieces("Hernández-Villanueva 王小明")] == [
        "Hernández-",
        "Villanueva",
        "王",
        "小",
        "明",
    ]
    assert graphemes("क्षत्रिय") == ["क्ष", "त्रि", "य"]  # conjuncts stay whole
    assert graphemes("👩‍💻🇰🇪") == ["👩‍💻", "🇰🇪"]

"""Text compared the way people read it: accents and case left aside."""

import unicodedata
from typing import Any


def without_marks(text: str) -> str:
    """`text` compatibility-decomposed (NFKD) without its marks: "Amélie" -> "Amelie",
    "Jovanović" -> "Jovanovic", "ﬁ" -> "fi"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))


def sort_key(text: str) -> str:
    """A case- and accent-blind key, whatever the database's collation: "Íslenska" sorts with
    the I's, "Émile" with the E's."""
    return without_marks(text).casefold()


# What a spreadsheet would run as a formula when a cell starts with it (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """A cell of an export as text, with a leading apostrophe when a spreadsheet would take it
    for a formula (a session title or a ticket name typed as "=HYPERLINK(...)")."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text

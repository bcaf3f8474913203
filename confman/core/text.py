"""Text compared the way people read it: accents and case left aside."""

import unicodedata


def without_marks(text: str) -> str:
    """`text` compatibility-decomposed (NFKD) without its marks: "Amélie" -> "Amelie",
    "Jovanović" -> "Jovanovic", "ﬁ" -> "fi"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))


def sort_key(text: str) -> str:
    """A case- and accent-blind key, whatever the database's collation: "Íslenska" sorts with
    the I's, "Émile" with the E's."""
    return without_marks(text).casefold()

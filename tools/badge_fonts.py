"""Rebuild the badge fonts in registrations/badges/fonts/ from Debian's Noto packages
(fonts-noto-core, fonts-noto-mono, fonts-noto-cjk), fetched with `apt-get download` and
unpacked with `dpkg-deb`. The files are committed, so nothing at run time needs this; it
records how they were made.

What is kept, and why:

- Noto Sans, Noto Sans Arabic, Hebrew, Thai and Devanagari, Regular and Bold: copied whole
  (Latin, Cyrillic and Greek are all in Noto Sans; the others are small).
- Noto Sans Mono Regular, cut down to printable ASCII: only the badge code is set in it.
- Noto Sans CJK SC Regular, the Simplified Chinese face of the Pan-CJK collection (which maps
  the same characters as the Traditional one, with mainland glyph forms), cut down from 16 MB
  to about 10 MB: the whole CJK Unified Ideographs block (U+4E00-9FFF, every hanzi of GB 2312,
  GBK's common set and Big5), CJK punctuation and full-width forms, kana and Hangul (Japanese
  and Korean names). Left out: the rare Extensions A-G and compatibility ideographs, vertical
  forms. One weight only: a bold CJK face would double the size; names in Chinese are set in
  this weight at the name's size.

The Noto names are not reserved (Noto Sans CJK, made from Adobe's Source Han Sans, reserves only
"Source"), so the cut-down files may keep their names (OFL-1.1 section 3).

Run `make badge-fonts` (needs Debian's apt-get and dpkg-deb, and fontTools from the venv); the
CJK cut takes about two minutes."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FONTS = Path(__file__).resolve().parent.parent / "registrations" / "badges" / "fonts"
PACKAGES = ["fonts-noto-core", "fonts-noto-mono", "fonts-noto-cjk"]
COPIED = [
    f"Noto{family}-{weight}.ttf"
    for family in ("Sans", "SansArabic", "SansHebrew", "SansThai", "SansDevanagari")
    for weight in ("Regular", "Bold")
]
CJK_RANGES = [
    (0x2E80, 0x2EFF),  # CJK radicals supplement
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0x31F0, 0x31FF),  # katakana phonetic extensions
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7A3),  # Hangul syllables
    (0xFF00, 0xFFEF),  # half-width and full-width forms
]
CJK_FACE = 2  # in NotoSansCJK-Regular.ttc: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK


def _subset(font, unicodes: set[int], target: Path) -> None:
    from fontTools import subset

    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    subset.save_font(font, str(target), options)


def _licence(debian_copyright: Path) -> None:
    """OFL.txt: each font's own copyright line (name ID 0), then the licence as Debian ships it
    (its machine-readable copyright file, unwrapped)."""
    from fontTools.ttLib import TTFont

    notices = sorted({TTFont(path)["name"].getDebugName(0) for path in FONTS.glob("*.[ot]tf")})
    # As noto-cjk's own LICENSE words it.
    notices = [
        "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'."
        if notice.startswith("© 2014-2021 Adobe")
        else notice
        for notice in notices
    ]
    text = debian_copyright.read_text()
    start = text.rindex("License: OFL-1.1\n") + len("License: OFL-1.1\n")
    end = text.index("\n\nLicense:", start)
    body = "\n".join(line[1:] for line in text[start:end].splitlines())
    (FONTS / "OFL.txt").write_text(
        "\n".join(notices)
        + "\n\nThis Font Software is licensed under the SIL Open Font License, Version 1.1.\n"
        "This license is copied below, and is also available with a FAQ at:\n"
        "https://openfontlicense.org\n\n"
        "SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007\n\n"
        + body.replace("\n.\n", "\n\n").replace("\n.\n", "\n\n")
        + "\n"
    )


def main() -> int:
    from fontTools.ttLib import TTCollection, TTFont

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        subprocess.run(["apt-get", "download", *PACKAGES], cwd=work, check=True)  # noqa: S603,S607
        for deb in work.glob("*.deb"):
            subprocess.run(["dpkg-deb", "-x", str(deb), str(work / "x")], check=True)  # noqa: S603,S607
        truetype = work / "x/usr/share/fonts/truetype/noto"
        opentype = work / "x/usr/share/fonts/opentype/noto"
        FONTS.mkdir(parents=True, exist_ok=True)
        for name in COPIED:
            shutil.copyfile(truetype / name, FONTS / name)
        _subset(
            TTFont(truetype / "NotoSansMono-Regular.ttf"),
            set(range(0x20, 0x7F)),
            FONTS / "NotoSansMono-Regular.ttf",
        )
        cjk = TTCollection(opentype / "NotoSansCJK-Regular.ttc").fonts[CJK_FACE]
        unicodes = {c for low, high in CJK_RANGES for c in range(low, high + 1)}
        _subset(cjk, unicodes, FONTS / "NotoSansCJKsc-Regular.otf")
        _licence(work / "x/usr/share/doc/fonts-noto-core/copyright")
    print(f"fonts written to {FONTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

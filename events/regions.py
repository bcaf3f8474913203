"""World regions of the UN M49 standard ("Standard country or area codes for statistical use"),
for the participation report: each country's region (Africa, Americas, Asia, Europe, Oceania)
and sub-region (Eastern Asia, Sub-Saharan Africa, Latin America and the Caribbean...).

The table is the territory containment of Unicode CLDR 48 (cldr-core, supplemental
territoryContainment.json, Unicode licence), which follows M49 and places Taiwan, Kosovo and
the territories M49 leaves out; read into this module once, by hand, with M49's own two
sub-regions that group intermediate ones (202 Sub-Saharan Africa, 419 Latin America and the
Caribbean). Region names in every language come from CLDR too, through Babel, so they need no
translation of ours. Antarctica belongs to no region, as in M49."""

from functools import cache

from babel import Locale, UnknownLocaleError
from django.utils.translation import get_language, to_locale

REGIONS = ("002", "019", "142", "150", "009")  # Africa, Americas, Asia, Europe, Oceania

# (region, sub-region): its countries (ISO 3166-1 alpha-2).
_TABLE = {
    ("002", "015"): ("DZ EG EH LY MA SD TN"),
    ("002", "202"): (
        "AO BF BI BJ BW CD CF CG CI CM CV DJ ER ET GA GH GM GN GQ GW IO KE KM LR LS MG "
        "ML MR MU MW MZ NA NE NG RE RW SC SH SL SN SO SS ST SZ TD TF TG TZ UG YT ZA ZM "
        "ZW"
    ),
    ("009", "053"): ("AU CC CX HM NF NZ"),
    ("009", "054"): ("FJ NC PG SB VU"),
    ("009", "057"): ("FM GU KI MH MP NR PW UM"),
    ("009", "061"): ("AS CK NU PF PN TK TO TV WF WS"),
    ("019", "021"): ("BM CA GL PM US"),
    ("019", "419"): (
        "AG AI AR AW BB BL BO BQ BR BS BV BZ CL CO CR CU CW DM DO EC FK GD GF GP GS GT "
        "GY HN HT JM KN KY LC MF MQ MS MX NI PA PE PR PY SR SV SX TC TT UY VC VE VG VI"
    ),
    ("142", "030"): ("CN HK JP KP KR MN MO TW"),
    ("142", "034"): ("AF BD BT IN IR LK MV NP PK"),
    ("142", "035"): ("BN ID KH LA MM MY PH SG TH TL VN"),
    ("142", "143"): ("KG KZ TJ TM UZ"),
    ("142", "145"): ("AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE"),
    ("150", "039"): ("AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA XK"),
    ("150", "151"): ("BG BY CZ HU MD PL RO RU SK UA"),
    ("150", "154"): ("AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ"),
    ("150", "155"): ("AT BE CH DE FR LI LU MC NL"),
}

SUBREGIONS = tuple(sorted({sub for _, sub in _TABLE}))
_OF = {
    country: (region, sub)
    for (region, sub), countries in _TABLE.items()
    for country in countries.split()
}


def region_of(country: str) -> tuple[str, str] | None:
    """The M49 (region, sub-region) codes of a country code, or None (Antarctica, unknown)."""
    return _OF.get(str(country).upper())


@cache
def _names(locale: str) -> dict[str, str]:
    try:
        territories = Locale.parse(locale).territories
    except (UnknownLocaleError, ValueError):
        territories = Locale.parse("en").territories
    return {code: territories.get(code, code) for code in (*REGIONS, *SUBREGIONS)}


def region_name(code: str, language: str | None = None) -> str:
    """A region's or sub-region's name in `language` (the active one by default)."""
    return _names(to_locale(language or get_language() or "en"))[code]

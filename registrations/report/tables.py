"""The participation report as tables, in the organiser's language: what the page shows beside
each chart, and what every export (CSV, XLSX, PDF) writes, so that they all say the same. Cells
are ints (numbers stay numbers in a spreadsheet), strings, or a gender `selectors.Cell`, shown
or hidden (str() gives "fewer than 5")."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from registrations.report.charts import Series
from registrations.report.selectors import SMALL_CELL, Report, Row

TOP_COUNTRIES = 15


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    note: str = ""
    # What the chart draws: its labels and series (none: a table only).
    chart_labels: list[str] = field(default_factory=list)
    chart_series: list[Series] = field(default_factory=list)


def _row_headers(first: str) -> list[str]:
    return [first, _("Registered"), _("Confirmed"), _("Checked in"), _("Followed online")]


def _cells(row: Row) -> list:
    return [row.label, row.registered, row.confirmed, row.checked_in, row.online]


def _registered_chart(rows: list[Row]) -> tuple[list[str], list[Series]]:
    return [row.label for row in rows], [Series(_("Registered"), [r.registered for r in rows])]


def _breakdown(key: str, title: str, first: str, rows: list[Row], note: str = "", chart=True):
    labels, series = _registered_chart(rows) if chart else ([], [])
    return Table(
        key=key,
        title=title,
        headers=_row_headers(first),
        rows=[_cells(row) for row in rows],
        note=note,
        chart_labels=labels,
        chart_series=series,
    )


def headline(report: Report) -> Table:
    totals = report.totals
    return Table(
        key="totals",
        title=_("Totals"),
        headers=[_("Figure"), _("Number")],
        rows=[
            [_("Registered"), totals.registered],
            [_("Confirmed"), totals.confirmed],
            [_("Checked in"), totals.checked_in],
            [_("Followed online"), totals.online],
            [_("Took part (checked in or online)"), totals.took_part],
            [_("Organisations"), totals.organisations],
            [_("Countries"), totals.countries],
            [_("World regions"), totals.regions],
        ],
        note=report.sentence,
    )


def report_tables(report: Report) -> list[Table]:
    """Every section after the totals, in the page's order."""
    top = report.by_country[:TOP_COUNTRIES]
    rest = report.by_country[TOP_COUNTRIES:]
    country_labels = [row.label for row in top]
    country_values = [row.registered for row in top]
    if rest:
        country_labels.append(_("Other countries (%(n)d)") % {"n": len(rest)})
        country_values.append(sum(row.registered for row in rest))
    tables = [
        Table(
            key="countries",
            title=_("By country"),
            headers=_row_headers(_("Country")),
            rows=[_cells(row) for row in report.by_country],
            note=_(
                "The country of each delegation, as registered. The chart shows the first %(n)d."
            )
            % {"n": TOP_COUNTRIES},
            chart_labels=country_labels,
            chart_series=[Series(_("Registered"), country_values)],
        ),
        _breakdown("regions", _("By world region"), _("Region"), report.by_region),
        _breakdown(
            "subregions",
            _("By sub-region"),
            _("Sub-region"),
            report.by_subregion,
            note=_("World regions and sub-regions of the UN M49 standard."),
            chart=False,
        ),
        _breakdown("kinds", _("By kind of organisation"), _("Kind"), report.by_kind),
        _breakdown("tickets", _("By ticket"), _("Ticket"), report.by_ticket),
        Table(
            key="modes",
            title=_("In person and online"),
            headers=_row_headers(_("Attendance")),
            rows=[_cells(row) for row in report.by_mode],
            note=_(
                "How people registered to attend. Some registered in person also followed online."
            ),
            chart_labels=[row.label for row in report.by_mode],
            chart_series=[
                Series(_("Registered"), [row.registered for row in report.by_mode]),
                Series(_("Confirmed"), [row.confirmed for row in report.by_mode]),
                Series(_("Checked in"), [row.checked_in for row in report.by_mode]),
                Series(_("Followed online"), [row.online for row in report.by_mode]),
            ],
        ),
    ]
    if report.gender is not None:
        tables.append(
            Table(
                key="gender",
                title=_("Gender"),
                headers=_row_headers(_("Gender")),
                rows=[
                    [row.label, row.registered, row.confirmed, row.checked_in, row.online]
                    for row in report.gender
                ],
                note=_(
                    "An optional question. Counts below %(n)d are hidden, and with a single "
                    "one the next smallest too, so that no one can be picked out."
                )
                % {"n": SMALL_CELL},
            )
        )
    tables.append(
        Table(
            key="sessions",
            title=_("Sessions"),
            headers=[_("Session"), _("Room"), _("Start"), _("At the door"), _("Online")],
            rows=[[s.title, s.room, s.start_label, s.at_door, s.online] for s in report.sessions],
            note=ngettext(
                "At the door: people admitted at the session room's door. Online: people who "
                "followed it on the live page for %(count)s minute, or all of it if shorter, "
                "in its actual time (its delay counted), on its room's stream or a page that "
                "named no room.",
                "At the door: people admitted at the session room's door. Online: people who "
                "followed it on the live page for %(count)s minutes, or all of it if shorter, "
                "in its actual time (its delay counted), on its room's stream or a page that "
                "named no room.",
                report.online_minutes,
            )
            % {"count": report.online_minutes},
        )
    )
    return tables

"""The participation report as a printable PDF (A4): the event's name and dates, the quotable
sentence, each section's bars and its table. Set in the badges' bundled Noto fonts
(registrations.badges.typeset), adding the fallback fonts the text needs, with HarfBuzz shaping
so that Arabic joins and runs right to left and Chinese and Devanagari print."""

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

from events.models import Event
from events.templatetags.confman import date_range
from events.timezones import utc_offset_label
from registrations.badges.pdf import Sheet
from registrations.badges.typeset import BASE, printable
from registrations.report.charts import Series
from registrations.report.selectors import Cell, Report
from registrations.report.tables import Table, headline, report_tables

MARGIN = 15.0  # mm
INK = (27, 31, 36)
HEADER_FILL = (220, 230, 247)
# One look per series, as on the page (charts.LOOKS), and the number written beside each bar.
BAR_FILLS = ((11, 87, 208), (138, 75, 0), (255, 255, 255), (107, 33, 168))
BAR_HEIGHT = 4.0
LABEL_WIDTH = 55.0
NUMBER_WIDTH = 16.0


def report_pdf(event: Event, report: Report) -> bytes:
    tables = [headline(report), *report_tables(report)]
    title = str(event.title)
    when = _("%(dates)s, %(zone)s (%(offset)s)") % {
        "dates": date_range(event.start_date, event.end_date),
        "zone": event.timezone,
        "offset": utc_offset_label(event.timezone, event.start_date),
    }
    # The badges' sheet for its fonts (the fallbacks the text needs), laid out as a document.
    sheet = Sheet((210, 297), title=f"{title} · {_('Participation report')}")
    sheet.fonts_for(printable(text)[0] for text in [title, when, *map(_texts, tables)])
    pdf = sheet.pdf
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.c_margin = 1
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.set_text_shaping(True, direction="rtl" if get_language_bidi() else None)
    align = "R" if get_language_bidi() else "L"
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font(BASE, "B", 18)
    pdf.multi_cell(0, 9, printable(title)[0], align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(BASE, "", 11)
    pdf.multi_cell(0, 6, _("Participation report"), align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, when, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(BASE, "B", 12)
    pdf.multi_cell(0, 6, printable(report.sentence)[0], align=align, new_x="LMARGIN", new_y="NEXT")
    for table in tables:
        pdf.ln(4)
        pdf.set_font(BASE, "B", 13)
        pdf.multi_cell(0, 7, table.title, align=align, new_x="LMARGIN", new_y="NEXT")
        if table.note and table.key != "totals":
            pdf.set_font(BASE, "", 9)
            pdf.multi_cell(0, 5, table.note, align=align, new_x="LMARGIN", new_y="NEXT")
        if table.chart_series:
            _bars(pdf, table.chart_labels, table.chart_series)
        _table(pdf, table)
    return bytes(pdf.output())


def _texts(table: Table) -> str:
    cells = [str(cell) for row in table.rows for cell in row]
    return " ".join([table.title, table.note, *table.headers, *cells, *table.chart_labels])


def _bars(pdf: FPDF, labels: list[str], series: list[Series]) -> None:
    largest = max((value for one in series for value in one.values), default=0) or 1
    room = pdf.epw - LABEL_WIDTH - NUMBER_WIDTH
    pdf.set_font(BASE, "", 8)
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.2)
    if len(series) > 1:
        for index, one in enumerate(series):
            pdf.set_fill_color(*BAR_FILLS[index % len(BAR_FILLS)])
            pdf.rect(pdf.get_x(), pdf.get_y() + 1, 3, 3, style="DF")
            pdf.set_x(pdf.get_x() + 4)
            pdf.cell(pdf.get_string_width(one.name) + 4, 5, one.name)
        pdf.ln(6)
    for row, label in enumerate(labels):
        height = BAR_HEIGHT * len(series) + 1.5
        if pdf.will_page_break(height):
            pdf.add_page()
        top = pdf.get_y()
        pdf.set_xy(pdf.l_margin, top)
        pdf.cell(LABEL_WIDTH - 2, height, printable(label)[0][:40], align="R")
        for index, one in enumerate(series):
            value = one.values[row]
            length = value / largest * room
            y = top + index * BAR_HEIGHT
            pdf.set_fill_color(*BAR_FILLS[index % len(BAR_FILLS)])
            if length:
                pdf.rect(pdf.l_margin + LABEL_WIDTH, y + 0.4, length, BAR_HEIGHT - 0.8, "DF")
            pdf.set_xy(pdf.l_margin + LABEL_WIDTH + length + 1, y)
            pdf.cell(NUMBER_WIDTH, BAR_HEIGHT, str(value))
        pdf.set_xy(pdf.l_margin, top + height)
    pdf.ln(2)


def _table(pdf: FPDF, table: Table) -> None:
    if not table.rows:
        pdf.set_font(BASE, "", 9)
        pdf.multi_cell(0, 5, _("None yet."), new_x="LMARGIN", new_y="NEXT")
        return
    pdf.set_font(BASE, "", 8.5)
    pdf.set_fill_color(255, 255, 255)
    numeric = [
        all(isinstance(row[index], int | Cell) for row in table.rows)
        for index in range(len(table.headers))
    ]
    first = 2.5 if len(table.headers) > 2 else 1.5
    widths = [first, *([1.0] * (len(table.headers) - 1))]
    with pdf.table(
        col_widths=widths,
        text_align=tuple("RIGHT" if number else "LEFT" for number in numeric),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEADER_FILL),
        line_height=5,
        padding=1,
    ) as grid:
        heading = grid.row()
        for title in table.headers:
            heading.cell(title)
        for cells in table.rows:
            line = grid.row()
            for cell in cells:
                line.cell(printable(str(cell))[0])

"""The participation report as CSV and XLSX, from the same tables as the page (report.tables):
the words in the organiser's language, gender cells hidden as on the page."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from confman.core.text import neutralise
from events.models import Event
from registrations.report.selectors import Cell, Report
from registrations.report.tables import Table, headline, report_tables

BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only with it (Chinese, Arabic names)
SHEET_TITLE = 31  # characters, Excel's limit
HEADER_FILL = PatternFill("solid", fgColor="DCE6F7")


def _value(cell):
    """What an export writes: numbers as numbers, a hidden gender count as its words, text
    that a spreadsheet would run as a formula neutralised."""
    if isinstance(cell, Cell):
        cell = str(cell) if cell.hidden else cell.value
    return cell if isinstance(cell, int | float) else neutralise(cell)


def report_csv(event: Event, report: Report) -> bytes:
    """One table per section, a blank line between, UTF-8 with a byte order mark."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([neutralise(event.title), _("Participation report")])
    for table in [headline(report), *report_tables(report)]:
        writer.writerow([])
        writer.writerow([table.title])
        if table.note:
            writer.writerow([table.note])
        writer.writerow([neutralise(header) for header in table.headers])
        writer.writerows([_value(cell) for cell in row] for row in table.rows)
    return out.getvalue().encode()


def report_xlsx(event: Event, report: Report) -> bytes:
    """One sheet per section (write-only: rows are streamed into the file, never all held as
    cell objects), a bold shaded header row frozen at the top, columns sized to their text."""
    book = Workbook(write_only=True)
    for table in [headline(report), *report_tables(report)]:
        sheet = book.create_sheet(_sheet_title(table.title))
        for index, width in enumerate(_widths(table), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        header = []
        for title in table.headers:
            cell = WriteOnlyCell(sheet, value=neutralise(title))
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([_value(cell) for cell in row])
        if table.note:
            sheet.append([])
            sheet.append([table.note])
    if not book.worksheets:
        book.create_sheet(_("Totals"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    for character in "[]:*?/\\":
        title = title.replace(character, " ")
    return title[:SHEET_TITLE]


def _widths(table: Table) -> list[float]:
    widths = [len(str(title)) for title in table.headers]
    for row in table.rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(str(_value(cell))))
    return [min(max(width + 2, 8), 60) for width in widths]

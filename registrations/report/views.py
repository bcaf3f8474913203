"""The participation report's page and its exports, for the event's team who may see the
registrations (owners, organisers, check-in staff), in the organiser's language."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language_bidi

from events.permissions import Action
from events.selectors import event_get
from registrations.report.charts import bar_chart
from registrations.report.exports import report_csv, report_xlsx
from registrations.report.pdf import report_pdf
from registrations.report.selectors import participation
from registrations.report.tables import headline, report_tables

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def report_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.VIEW_REGISTRATIONS)
    report = participation(event)
    rtl = get_language_bidi()
    sections = [
        {
            "table": table,
            "chart": bar_chart(
                key=f"chart-{table.key}",
                title=table.title,
                labels=table.chart_labels,
                series=table.chart_series,
                rtl=rtl,
            )
            if table.chart_series
            else "",
        }
        for table in report_tables(report)
    ]
    return render(
        request,
        "registrations/report.html",
        {"event": event, "report": report, "totals": headline(report), "sections": sections},
    )


def _download(event, content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{event.slug}-participation.{extension}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report_csv_download(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.VIEW_REGISTRATIONS)
    content = report_csv(event, participation(event))
    return _download(event, content, "text/csv; charset=utf-8", "csv")


@login_required
def report_xlsx_download(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.VIEW_REGISTRATIONS)
    return _download(event, report_xlsx(event, participation(event)), XLSX, "xlsx")


@login_required
def report_pdf_download(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get(slug, request.user, Action.VIEW_REGISTRATIONS)
    return _download(event, report_pdf(event, participation(event)), "application/pdf", "pdf")

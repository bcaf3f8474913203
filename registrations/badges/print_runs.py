"""Badge print runs: an organiser asks for one PDF of the event's in-person badges (all, some
tickets or one country, or only those not printed yet), a background task renders it, and the
organisers' badges page shows its progress and then the download.

A run of thousands of badges never holds its pages in memory at once: it is rendered in chunks
of CHUNK badges, each written to its own file (PROCESSES at a time, one in the task's process
and the others in helper processes, since drawing QR codes and setting text is CPU work), and
the chunk files are then joined by qpdf (pikepdf), which copies pages from file to file. The
big CJK font is cut down once per run to the characters the run needs. Which badge codes went
into a finished run is recorded, so that "only new" leaves them out next time (a reissued code
counts as new)."""

import logging
import multiprocessing
import os
import shutil
import tempfile
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from confman.core.exceptions import Conflict, InvalidInput
from confman.core.text import sort_key
from events.models import AttendanceMode, Event
from registrations.badges.content import badges_for
from registrations.badges.pdf import Badge, Layout, join_files, render_to_file, subset_fonts
from registrations.models import BadgePrint, BadgePrintRun, Registration, State

logger = logging.getLogger(__name__)

CHUNK = 500  # badges per chunk file: a multiple of 4, so A4 sheets are never split
PROCESSES = min(2, os.cpu_count() or 1)  # chunks rendered at once, the task's process included
# A run that has not moved for this long lost its worker; another may then start.
STALE_AFTER = timedelta(minutes=15)
ACTIVE = (BadgePrintRun.Status.QUEUED, BadgePrintRun.Status.RUNNING)
JOINED = "joined.pdf"


def badge_dir() -> Path:
    path = Path(settings.VAR_DIR) / "badges"
    path.mkdir(parents=True, exist_ok=True)
    return path


def badge_print_selection(event: Event, filters: dict) -> QuerySet[Registration]:
    """The badges a run with these filters prints: confirmed, in-person registrations with a
    badge code, of the chosen tickets and country; with `only_new`, without those whose current
    code went into a finished run."""
    registrations = Registration.objects.filter(
        event=event,
        state=State.CONFIRMED,
        mode=AttendanceMode.IN_PERSON,
        badge_secret__isnull=False,
    )
    if filters.get("tickets"):
        registrations = registrations.filter(ticket_id__in=filters["tickets"])
    if filters.get("country"):
        registrations = registrations.filter(country=filters["country"])
    if filters.get("only_new"):
        printed = BadgePrint.objects.filter(
            registration=OuterRef("pk"),
            secret=OuterRef("badge_secret"),
            run__status=BadgePrintRun.Status.DONE,
        )
        registrations = registrations.filter(~Exists(printed))
    return registrations


@transaction.atomic
def badge_print_run_create(
    *,
    event: Event,
    by: User | None,
    layout: str,
    tickets: list[int] | None = None,
    country: str = "",
    only_new: bool = False,
) -> BadgePrintRun:
    """Queue a print run; the PDF is made by a background task once this commits. One run per
    event at a time (the event row is locked while checking), so that two "only new" runs do
    not print the same badges; a run that has not moved for STALE_AFTER no longer counts."""
    Event.objects.select_for_update().filter(pk=event.pk).first()
    if layout not in BadgePrintRun.Layout.values:
        raise InvalidInput.for_fields({"layout": [_("Choose A6 or A4 with four badges.")]})
    tickets = sorted(set(tickets or []))
    known = set(event.ticket_types.filter(pk__in=tickets).values_list("pk", flat=True))
    if known != set(tickets):
        raise InvalidInput.for_fields({"tickets": [_("Choose tickets of this event.")]})
    busy = BadgePrintRun.objects.filter(
        event=event, status__in=ACTIVE, updated_at__gt=timezone.now() - STALE_AFTER
    ).first()
    if busy is not None:
        raise Conflict(
            _(
                "Badge print run %(number)s is still being prepared; wait for it to finish, "
                "then start the next one."
            )
            % {"number": busy.pk},
            code="print_run_busy",
        )
    filters = {"tickets": tickets, "country": country, "only_new": only_new}
    total = badge_print_selection(event, filters).count()
    if not total:
        raise Conflict(
            _(
                "No badge to print: nobody confirmed and attending in person matches (or, "
                "with “only new”, all of them are printed already)."
            ),
            code="nothing_to_print",
        )
    run = BadgePrintRun.objects.create(
        event=event, requested_by=by, filters=filters, layout=layout, total=total
    )
    run_id = run.pk

    def enqueue() -> None:
        try:
            badge_print_run_render.enqueue(run_id)
        except Exception:
            logger.exception("Could not queue badge print run %s", run_id)
            BadgePrintRun.objects.filter(pk=run_id).update(
                status=BadgePrintRun.Status.FAILED,
                error=_("The task queue did not take the run; start it again."),
                finished_at=timezone.now(),
            )

    transaction.on_commit(enqueue)
    return run


@task()
def badge_print_run_render(run_id: int) -> str:
    """Render a queued print run to its PDF, recording progress as chunks finish. A failure
    marks the run failed with the reason; nothing of it counts as printed."""
    run = BadgePrintRun.objects.select_related("event", "event__venue").filter(pk=run_id).first()
    if run is None or run.status != BadgePrintRun.Status.QUEUED:
        return "skipped"
    BadgePrintRun.objects.filter(pk=run.pk).update(status=BadgePrintRun.Status.RUNNING)
    try:
        path = _render(run)
    except Exception as exc:
        logger.exception("Badge print run %s failed", run.pk)
        BadgePrintRun.objects.filter(pk=run.pk).update(
            status=BadgePrintRun.Status.FAILED,
            error=_("The badges could not be rendered: %(problem)s") % {"problem": exc},
            finished_at=timezone.now(),
        )
        return "failed"
    BadgePrintRun.objects.filter(pk=run.pk).update(
        status=BadgePrintRun.Status.DONE,
        file=str(path.relative_to(settings.VAR_DIR)),
        finished_at=timezone.now(),
    )
    return "done"


def _render(run: BadgePrintRun) -> Path:
    event = run.event
    rows = badge_print_selection(event, run.filters).values_list("pk", "name")
    ids = [pk for pk, _name in sorted(rows, key=lambda row: (sort_key(row[1]), row[0]))]
    if not ids:
        raise ValueError(_("no badge matches any more (cancelled or already printed since)"))
    BadgePrintRun.objects.filter(pk=run.pk).update(total=len(ids), done=0)
    layout = Layout(run.layout)
    target = badge_dir() / f"{event.slug}-badges-{run.pk}-{run.layout}.pdf"
    with tempfile.TemporaryDirectory(dir=badge_dir(), prefix=f"run-{run.pk}-") as scratch:
        work = Path(scratch)
        chunks = []  # (file, [(registration id, secret)], badges)
        characters: set[str] = set()
        for number, start in enumerate(range(0, len(ids), CHUNK)):
            badges, printed = _chunk(event, ids[start : start + CHUNK])
            characters.update(*(text for badge in badges for text in badge.texts()))
            chunks.append((str(work / f"chunk-{number:05d}.pdf"), printed, badges))
        for printed, done in _render_chunks(chunks, layout, characters, work):
            BadgePrint.objects.bulk_create(
                BadgePrint(run=run, registration_id=pk, secret=secret) for pk, secret in printed
            )
            BadgePrintRun.objects.filter(pk=run.pk).update(done=done, updated_at=timezone.now())
        shutil.move(work / JOINED, target)
    return target


def _chunk(event: Event, ids: list[int]) -> tuple[list[Badge], list[tuple[int, str]]]:
    """The chunk's badges in the run's order, and what they print (id, badge code)."""
    by_id = Registration.objects.select_related("ticket", "organization").in_bulk(ids)
    registrations = [by_id[pk] for pk in ids if pk in by_id and by_id[pk].badge_secret]
    printed = [(r.pk, r.badge_secret) for r in registrations]
    return badges_for(event, registrations), printed


def _render_chunks(chunks, layout: Layout, characters: set[str], work: Path):
    """Render each chunk to its file, then join them into work / JOINED; yields (what a chunk
    printed, badges done so far) as chunks finish. A run of one chunk renders here. A longer
    one renders PROCESSES chunks at a time: one here, the others in helper processes, which
    also cut the CJK font down to the run's characters first (fontTools takes ~100 MB for it,
    better spent in a process that ends with the run). The join comes once the helpers have
    gone, so that the run's processes together stay under 300 MB."""
    paths = [path for path, _printed, _badges in chunks]
    done = 0
    if len(chunks) < 2 or PROCESSES < 2:
        for path, printed, badges in chunks:
            done += render_to_file(badges, layout, path)
            yield printed, done
        join_files(paths, str(work / JOINED))
        return
    context = multiprocessing.get_context("spawn")  # no forked copy of Django's connections
    with ProcessPoolExecutor(max_workers=PROCESSES - 1, mp_context=context) as helpers:
        fonts = helpers.submit(subset_fonts, characters, work).result()
        queue = deque(chunks)
        pending = {}
        while queue or pending:
            while queue and len(pending) < PROCESSES - 1:
                path, printed, badges = queue.popleft()
                pending[helpers.submit(render_to_file, badges, layout, path, fonts)] = printed
            if queue:
                path, printed, badges = queue.popleft()
                done += render_to_file(badges, layout, path, fonts)
                yield printed, done
                finished = [future for future in pending if future.done()]
            else:
                finished, _rest = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                printed = pending.pop(future)
                done += future.result()
                yield printed, done
    join_files(paths, str(work / JOINED))


def run_file(run: BadgePrintRun) -> Path | None:
    """The finished run's PDF, if it is still there."""
    if run.status != BadgePrintRun.Status.DONE or not run.file:
        return None
    path = Path(settings.VAR_DIR) / run.file
    return path if path.is_file() else None

"""GET /metrics: confman's figures for Prometheus.

Two kinds of figure:

- the process's own: request latency by URL pattern (confman.core.metrics), the live sockets
  open in it (livestream.hub.watching), and prometheus_client's process and Python figures.
  Scrape each web process on its own port (deploy/systemd: one uvicorn per port) and sum them;
  or, with several processes on one port, set PROMETHEUS_MULTIPROC_DIR and any of them answers
  the latency summed over all (the live sockets and process figures stay the answering one's).
- the database's, read at each scrape (DatabaseCollector, six aggregate queries): the task
  queue, registrations, check-ins, mail and webhook failures. The same whichever process
  answers and whichever made them happen (mail fails in the task worker): over several targets,
  take max(), not sum(). Registrations and check-ins are counted over the events not archived,
  per state or answer, never per event, so the number of series stays bounded.

Who may read them: a bearer token (METRICS_TOKEN), or without one an address of METRICS_ALLOW
(the loopback by default), the client's address as the rest of the site sees it."""

import logging
from collections.abc import Iterator
from ipaddress import ip_address, ip_network

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Case, Count, F, Min, Q, When
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import REGISTRY, CollectorRegistry, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder

from confman.core.lockout import client_ip
from events.models import EventStatus
from livestream import hub
from registrations.certificates.mail import send_certificate_mail
from registrations.mail import send_link_mail, send_sign_in_mail, send_state_mail
from registrations.models import (
    CheckIn,
    Notice,
    NoticeStatus,
    Registration,
    ScanResult,
    ScanType,
    State,
    WebhookDelivery,
    WebhookDeliveryStatus,
)
from registrations.notices.reminders import reminders_send
from registrations.notices.sending import notices_send
from registrations.webhooks.deliveries import webhook_paused_mail

logger = logging.getLogger(__name__)

# The tasks that send mail. The first four return "retrying" after a refused attempt (another
# is queued) and "failed" after the last; any of them that raises has failed outright.
MAIL_TASKS = (
    send_state_mail,
    send_link_mail,
    send_sign_in_mail,
    send_certificate_mail,
    notices_send,
    reminders_send,
    webhook_paused_mail,
)


class LiveCollector:
    def describe(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily("confman_live_watchers", "")

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "confman_live_watchers",
            "Live page sockets and event streams open in the web process that answered this "
            "scrape (per process: sum over the processes' targets).",
            value=hub.watching(),
        )


class DatabaseCollector:
    """The figures read from the database at each scrape. When it cannot be read, the
    process's figures are still answered, with confman_metrics_database_up 0."""

    NAMES = (
        "confman_metrics_database_up",
        "confman_tasks",
        "confman_tasks_oldest_waiting_seconds",
        "confman_registrations",
        "confman_checkins",
        "confman_mail_failures",
        "confman_webhook_failures",
    )

    def describe(self) -> Iterator[GaugeMetricFamily]:
        for name in self.NAMES:
            yield GaugeMetricFamily(name, "")

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            families = [*tasks(), registrations(), checkins(), mail_failures(), webhook_failures()]
        except DatabaseError:
            logger.warning("The metrics could not read the database", exc_info=True)
            families = []
        yield GaugeMetricFamily(
            "confman_metrics_database_up",
            "1 if this scrape read the figures from the database, 0 if it could not.",
            value=1 if families else 0,
        )
        yield from families


def tasks() -> list[GaugeMetricFamily]:
    """Background tasks not finished, per queue: one query."""
    now = timezone.now()
    never = get_date_max()  # the run_after of a task queued to run as soon as possible
    due = Q(status=TaskResultStatus.READY) & (Q(run_after=never) | Q(run_after__lte=now))
    due_since = Case(When(run_after=never, then=F("enqueued_at")), default=F("run_after"))
    rows = {
        row["queue_name"]: row
        for row in DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        )
        .values("queue_name")
        .annotate(
            waiting=Count("pk", filter=due),
            scheduled=Count("pk", filter=Q(status=TaskResultStatus.READY) & ~due),
            running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
            oldest=Min(due_since, filter=due),
        )
        .order_by()
    }
    counts = GaugeMetricFamily(
        "confman_tasks",
        "Background tasks not finished, per queue: waiting (due, no worker has taken them), "
        "scheduled (to run later: retries, deadlines), running.",
        labels=["queue", "state"],
    )
    age = GaugeMetricFamily(
        "confman_tasks_oldest_waiting_seconds",
        "How long the oldest waiting task of each queue has been due (0: none waits).",
        labels=["queue"],
    )
    configured = settings.TASKS["default"].get("QUEUES") or ["default"]
    for queue in sorted({*configured, *rows}):
        row = rows.get(queue, {})
        for state in ("waiting", "scheduled", "running"):
            counts.add_metric([queue, state], row.get(state, 0))
        oldest = row.get("oldest")
        age.add_metric([queue], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
    return [counts, age]


def registrations() -> GaugeMetricFamily:
    counted = dict(
        Registration.objects.exclude(event__status=EventStatus.ARCHIVED)
        .values_list("state")
        .annotate(Count("pk"))
        .order_by()
    )
    family = GaugeMetricFamily(
        "confman_registrations",
        "Registrations by state, over the events not archived.",
        labels=["state"],
    )
    for state in State.values:
        family.add_metric([state], counted.get(state, 0))
    return family


def checkins() -> GaugeMetricFamily:
    counted = {
        (kind, result): number
        for kind, result, number in CheckIn.objects.exclude(event__status=EventStatus.ARCHIVED)
        .values_list("type", "result")
        .annotate(Count("pk"))
        .order_by()
    }
    family = GaugeMetricFamily(
        "confman_checkins",
        "Badge scans at the doors by type (entry, exit) and answer, over the events not "
        "archived; an admitted entry is result ok.",
        labels=["type", "result"],
    )
    for kind in ScanType.values:
        for result in ScanResult.values:
            family.add_metric([kind, result], counted.get((kind, result), 0))
    return family


def mail_failures() -> GaugeMetricFamily:
    counted = DBTaskResult.objects.filter(
        task_path__in=[mail.module_path for mail in MAIL_TASKS]
    ).aggregate(
        gave_up=Count("pk", filter=Q(return_value="failed")),
        retried=Count("pk", filter=Q(return_value="retrying")),
        error=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
    )
    counted["gave_up"] += Notice.objects.filter(status=NoticeStatus.FAILED).count()
    family = GaugeMetricFamily(
        "confman_mail_failures",
        "Mail that failed, over the task results kept (prune_db_task_results removes old "
        "ones): gave_up (every attempt refused; change notices marked failed too), retried "
        "(an attempt refused, another queued), error (the task raised).",
        labels=["outcome"],
    )
    for outcome in ("gave_up", "retried", "error"):
        family.add_metric([outcome], counted[outcome])
    return family


def webhook_failures() -> GaugeMetricFamily:
    counted = WebhookDelivery.objects.aggregate(
        gave_up=Count("pk", filter=Q(status=WebhookDeliveryStatus.FAILED)),
        retrying=Count("pk", filter=Q(status=WebhookDeliveryStatus.PENDING, attempts__gt=0)),
    )
    family = GaugeMetricFamily(
        "confman_webhook_failures",
        "Webhook deliveries that failed: gave_up (not accepted within their retries), "
        "retrying (the last attempt failed; another is due, or its endpoint is paused).",
        labels=["outcome"],
    )
    for outcome in ("gave_up", "retrying"):
        family.add_metric([outcome], counted[outcome])
    return family


def _registry() -> CollectorRegistry:
    if settings.METRICS_MULTIPROCESS_DIR:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=settings.METRICS_MULTIPROCESS_DIR)
    else:
        registry = REGISTRY
    registry.register(LiveCollector())
    registry.register(DatabaseCollector())
    return registry


SCRAPED = _registry()


def _bearer(request: HttpRequest) -> str | None:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _allowed(address: str | None) -> bool:
    try:
        client = ip_address(address or "")
    except ValueError:
        return False
    if client.version == 6 and client.ipv4_mapped:
        client = client.ipv4_mapped
    return any(client in ip_network(entry, strict=False) for entry in settings.METRICS_ALLOW)


def _refused(status: int, message: str) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


def refusal(request: HttpRequest) -> HttpResponse | None:
    """None when the request may read the metrics, else the answer that says why not."""
    token = settings.METRICS_TOKEN
    presented = _bearer(request)
    if token and presented is not None:
        if constant_time_compare(presented, token):
            return None
        return _refused(
            401,
            _(
                "The metrics token is wrong: send the value of METRICS_TOKEN in an "
                "Authorization: Bearer header."
            ),
        )
    address = client_ip(request)
    if _allowed(address):
        return None
    if token:
        return _refused(
            401,
            _(
                "The metrics need a token from this address: send the value of METRICS_TOKEN "
                "in an Authorization: Bearer header."
            ),
        )
    return _refused(
        403,
        _(
            "The metrics are not shown to this address (%(address)s): scrape them from an "
            "address listed in METRICS_ALLOW, or set METRICS_TOKEN and send it in an "
            "Authorization: Bearer header."
        )
        % {"address": address or "?"},
    )


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    refused = refusal(request)
    if refused is not None:
        return refused
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encode(SCRAPED), content_type=content_type)

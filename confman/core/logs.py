"""The request id that ties together the log lines of one request, and of the tasks it queued.

RequestIdMiddleware takes the proxy's X-Request-ID (nginx's $request_id) when it is a plausible
id, else makes one, keeps it in a context variable for the request's duration and returns it in
the response's X-Request-ID header. RequestIdFilter, on the log handler (settings.LOGGING), adds
it to every record as `request_id` (None outside a request or task); LOG_FORMAT=json prints it
as a field of each JSON line.

Into tasks: a task queued while a request runs (the database backend's row is saved in the
request's context) gets the id stored in its row's `args_kwargs`, beside the call's "args" and
"kwargs", which are all the library reads back: the task's arguments and signature are
unchanged. The worker sets the id from the row when the task starts (task_started) and clears it
when it ends (task_finished), so the task's records, and the tasks it queues in turn (a mail's
retry), carry the request's id. The worker's own "Task … state=RUNNING" line comes before the
task starts and has none; its "state=SUCCESSFUL" line has it."""

import re
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished
from django.db.models.signals import pre_save
from django.http import HttpRequest, HttpResponse
from django_tasks.signals import task_finished, task_started

from confman.core.middleware import AroundMiddleware

HEADER = "X-Request-ID"
# The proxy's id is taken when it is short and made of characters safe in a log line and a
# header: nginx's 32 hex digits, a UUID, a load balancer's trace id.
VALID = re.compile(r"[A-Za-z0-9._:+/=-]{1,100}")
TASK_KEY = "request_id"  # the key beside "args" and "kwargs" in a task row's args_kwargs

current: ContextVar[str | None] = ContextVar("request_id", default=None)


def request_id_of(request: HttpRequest) -> str:
    incoming = request.headers.get(HEADER, "")
    return incoming if VALID.fullmatch(incoming) else uuid.uuid4().hex


class RequestIdMiddleware(AroundMiddleware):
    """First in MIDDLEWARE: every answer, a redirect or a static file too, has the header. The
    id stays set until the response is closed (request_finished), so that Django's own line
    about a 4xx or 5xx answer, written after the middleware, carries it too."""

    def before(self, request: HttpRequest) -> None:
        request.request_id = request_id_of(request)
        current.set(request.request_id)

    def after(self, request: HttpRequest, response: HttpResponse, before: None) -> None:
        response[HEADER] = request.request_id


class RequestIdFilter:
    """On a handler: adds `request_id` to each record it prints; filters nothing out."""

    def filter(self, record) -> bool:
        record.request_id = current.get()
        return True


def _request_finished(**kwargs) -> None:
    current.set(None)


def _task_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    request_id = current.get()
    if request_id and instance._state.adding and not raw:
        instance.args_kwargs = {**instance.args_kwargs, TASK_KEY: request_id}


def _task_started(sender, task_result, **kwargs) -> None:
    row = getattr(task_result, "db_result", None)
    if row is not None:  # the database backend, in its worker (other backends run in place)
        current.set(row.args_kwargs.get(TASK_KEY))


def _task_finished(sender, task_result, **kwargs) -> None:
    if getattr(task_result, "db_result", None) is not None:
        current.set(None)


def connect() -> None:
    """Called once, by the project's AppConfig.ready (confman/apps.py)."""
    # Here, not at the top: the logging configuration imports this module before the models.
    from django_tasks_db.models import DBTaskResult

    request_finished.connect(_request_finished, dispatch_uid="confman.logs.request_finished")
    pre_save.connect(_task_saved, sender=DBTaskResult, dispatch_uid="confman.logs.task_saved")
    task_started.connect(_task_started, dispatch_uid="confman.logs.task_started")
    task_finished.connect(_task_finished, dispatch_uid="confman.logs.task_finished")

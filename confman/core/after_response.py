"""Work that waits until the answer to the current request has been sent.

What follows a programme update (the live broadcast, the change notices' round, reminders,
webhooks: sessions.services.programme) is handed here by the request that made it, to run once
the answer is written: a chair's click is answered without waiting for any of it, and the
fan-out to thousands of sockets in the same process does not compete with the answer for the
interpreter.

Held work runs on the server's event loop, in the order it was handed over, when the request's
ASGI call returns (`AfterResponse`, in confman.asgi). It must be quick and must not block: hand
it to a thread or a queue. Outside a request served through `AfterResponse` (a task, a shell, a
websocket, the test client), and for work handed over after the answer (a view still running in
its thread after the client went away), it runs at once, in the caller's thread.

`in_background` goes one step further, for work that reads or writes the database: once the
answer is sent, the work goes to the process's background thread, which runs what it is handed
one piece after the other, in order, in a copy of the caller's context (its request id), with a
database connection of its own that it closes whenever it runs out of work. A process that
exits (a restart, a deployment) first lets it finish what it holds, for up to EXIT_WAIT
seconds."""

import atexit
import contextvars
import functools
import logging
import queue
import threading
from collections.abc import Callable

from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)

EXIT_WAIT = 10.0  # seconds an exiting process waits for its background thread


class _Held:
    def __init__(self):
        self.lock = threading.Lock()
        self.work: list[Callable[[], None]] | None = []

    def add(self, work: Callable[[], None]) -> bool:
        """Keep `work` for later; False once the answer has gone (the caller runs it)."""
        with self.lock:
            if self.work is None:
                return False
            self.work.append(work)
            return True

    def release(self) -> list[Callable[[], None]]:
        with self.lock:
            work, self.work = self.work or [], None
        return work


_held: contextvars.ContextVar[_Held | None] = contextvars.ContextVar("after_response", default=None)


def after_response(work: Callable[[], None]) -> None:
    """Run `work` when the current request has been answered, or now if there is none."""
    held = _held.get()
    if held is None or not held.add(work):
        work()


class AfterResponse:
    """ASGI middleware for HTTP: runs what the request held back (`after_response`) once the
    application has sent its answer and returned, whether it succeeded, failed or was cut off.
    Streaming answers hold the work until their end."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        held = _Held()
        # Threads and tasks the request starts copy this context, and with it `held`.
        token = _held.set(held)
        try:
            return await self.app(scope, receive, send)
        finally:
            _held.reset(token)
            for work in held.release():
                try:
                    work()
                except Exception:
                    logger.exception("Work held until a request's answer failed")


class _Worker:
    """The process's background thread (started on first use) and its queue."""

    def __init__(self):
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def put(self, work: Callable[[], None]) -> None:
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="after-response", daemon=True)
                self.thread.start()
        self.queue.put(work)

    def _run(self) -> None:
        while True:
            work = self.queue.get()
            try:
                work()
            except Exception:
                logger.exception("Work handed to the background thread failed")
            try:
                if self.queue.empty():
                    # Not held while idle (a pool, if any, takes it back).
                    connections.close_all()
                else:
                    close_old_connections()  # as after a request: one left broken is dropped
            except Exception:
                logger.exception("The background thread could not close its connections")


_worker = _Worker()


def in_background(work: Callable[[], None]) -> None:
    """Run `work` in the process's background thread once the current request has been
    answered (now, outside a request), after the work handed over before it."""
    context = contextvars.copy_context()
    after_response(functools.partial(_worker.put, functools.partial(context.run, work)))


def background_drained(timeout: float = 10.0) -> bool:
    """Wait until the work handed to the background thread so far has run (for tests and
    benchmarks); False if it has not within `timeout` seconds."""
    done = threading.Event()
    _worker.put(done.set)
    return done.wait(timeout)


@atexit.register
def _finish_at_exit() -> None:
    """Before the interpreter stops its daemon threads: what a request handed over just before
    a restart (the reminder and notices of a chair's last change) is not dropped."""
    if _worker.thread is not None and not background_drained(EXIT_WAIT):
        logger.error("The background thread did not finish its work within %s s", EXIT_WAIT)

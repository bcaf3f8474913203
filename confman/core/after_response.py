"""Work that waits until the answer to the current request has been sent.

A request that changes what a live audience hears about (a chair's delay) hands its broadcast
here: the broadcast starts once the chair's answer is written, so that the fan-out to thousands
of sockets in the same process does not compete with that answer for the interpreter.

Held work runs on the server's event loop, in the order it was handed over, when the request's
ASGI call returns (`AfterResponse`, in confman.asgi). It must be quick and must not block: hand
it to a thread or a queue. Outside a request served through `AfterResponse` (a task, a shell, a
websocket, the test client), and for work handed over after the answer (a view still running in
its thread after the client went away), it runs at once, in the caller's thread."""

import contextvars
import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)


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

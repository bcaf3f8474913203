"""Django's ASGI handler, with the REST API's requests served in one trip to a worker thread.

Django's own handler runs a synchronous view's request in a thread made for that request, and
goes between the event loop and that thread four times: the request_started signal, the
middleware (synchronous here), the view (reached through the asynchronous URL resolution), and
closing the response. Each trip wakes a thread and the loop, copies the context, and the new
thread per request opens its own database connection. For the pages that is a small part of a
request's cost; for the API, called at rate by machines (a check-in desk sends a scan every
second or two, four desks at the doors of a big event), it was a quarter of a scan's CPU
(bench/checkin.py, in process: 11.4 ms a scan through Django's handler, 8.7 ms through this
one).

So requests under /api/ run as under WSGI: the body is read on the loop, then one call in a
thread of a fixed pool signals the request's start, runs the middleware and the view, and closes
the response (which ends the request: request_finished closes its database connections, in the
thread and context that opened them); the loop sends what came back. Everything else (pages,
whose exports and badge files stream; the asynchronous views; websockets, which Channels routes
elsewhere) goes through Django's handler unchanged.

The API's views are synchronous and answer with JSON. A streaming response (the API has none: its
exports are pages) is read whole in the thread; one with an asynchronous iterator cannot be, and
is a programming error here. A client that goes away mid-request is noticed
when the answer is sent, as under WSGI: a view in a thread cannot be stopped half-way anyway."""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers import asgi
from django.core.handlers.base import BaseHandler
from django.http import HttpResponse
from django.urls import set_script_prefix

from confman.env import env_int

API_PREFIX = "/api/"
# Threads for API requests, per process: as many API requests run at once, the others wait for
# a thread (with DATABASE_POOL_SIZE set, no more than that many hold a database connection).
API_THREADS = env_int("ASGI_API_THREADS", 16, minimum=1)


class ASGIHandler(asgi.ASGIHandler):
    def __init__(self, *, threads: int = API_THREADS):
        super().__init__()
        self._sync = BaseHandler()
        self._sync.load_middleware(is_async=False)
        self._threads = ThreadPoolExecutor(threads, thread_name_prefix="confman-api")
        self._in_thread = sync_to_async(
            self._respond, thread_sensitive=False, executor=self._threads
        )

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith(API_PREFIX):
            return await self._handle_in_thread(scope, receive, send)
        return await super().__call__(scope, receive, send)

    async def _handle_in_thread(self, scope, receive, send):
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        response = await self._in_thread(scope, body_file)
        await self.send_response(response, send)

    def _respond(self, scope, body_file):
        """The whole request, in one thread: what WSGIHandler.__call__ does."""
        try:
            set_script_prefix(asgi.get_script_prefix(scope))
            signals.request_started.send(sender=self.__class__, scope=scope)
            request, response = self.create_request(scope, body_file)
            if request is not None:
                response = self._sync.get_response(request)
                response._handler_class = self.__class__
        finally:
            body_file.close()
        try:
            if not response.streaming:
                return response
            if response.is_async:
                raise TypeError(
                    f"{scope['path']} answered with an asynchronous stream: views under "
                    f"{API_PREFIX} run in a thread and cannot stream from the event loop."
                )
            whole = HttpResponse(b"".join(response.streaming_content), status=response.status_code)
            whole.headers, whole.cookies = response.headers, response.cookies
            return whole
        finally:
            response.close()  # request_finished: closes the request's database connections

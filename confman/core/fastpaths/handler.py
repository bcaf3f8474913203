"""Django's ASGI handler, with each REST API request served in one trip to a worker thread
(bench/checkin.py: Django's handler goes between the loop and a new thread four times a request).

Requests under /api/ run as under WSGI: the body is read on the loop, then one call in a thread of
a fixed pool runs request_started, the synchronous middleware and view, and closes the response
(request_finished closes its database connections in the thread that opened them). Everything
else (pages, async views, streams) goes through Django's handler unchanged. A synchronous
streaming API answer is read whole; an asynchronous one is a programming error here."""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers import asgi
from django.core.handlers.base import BaseHandler
from django.http import HttpResponse
from django.urls import set_script_prefix

from confman.core.env import env_int

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

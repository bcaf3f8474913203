"""Real ASGI server processes (uvicorn) on this machine's loopback, sharing the test database
and Redis with the test: for what only a real server shows (websockets in a browser, several
processes behind one channel layer). PostgreSQL and Redis only: another process cannot open the
test run's in-memory SQLite database, and the in-memory channel layer does not leave its
process."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection


def require_postgres_and_redis() -> None:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("server processes share the test database and Redis: the PostgreSQL leg")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def asgi_servers(count: int):
    """Start `count` uvicorn processes; yield their base URLs; stop them."""
    require_postgres_and_redis()
    database = connection.settings_dict
    url = f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
    url += f"{database['PORT'] or 5432}/{database['NAME']}"
    processes, urls = [], []
    try:
        for _ in range(count):
            port = _free_port()
            base = f"http://127.0.0.1:{port}"
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "REDIS_URL": settings.REDIS_URL,
                "REDIS_PREFIX": settings.REDIS_PREFIX,
                "SECRET_KEY": settings.SECRET_KEY,
                "DEBUG": "true",  # static files from the finders, as in development
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SITE_URL": base,
            }
            processes.append(
                subprocess.Popen(  # noqa: S603 (our own server, fixed arguments)
                    [
                        sys.executable,
                        "-m",
                        "uvicorn",
                        "confman.asgi:application",
                        "--ws",
                        "confman.core.fastpaths.websocket:WebSocketProtocol",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--lifespan",
                        "off",
                        "--no-access-log",
                        "--log-level",
                        "warning",
                    ],
                    env=env,
                    cwd=settings.BASE_DIR,
                )
            )
            urls.append(base)
        for base in urls:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"the server at {base} did not start") from None
                    time.sleep(0.2)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

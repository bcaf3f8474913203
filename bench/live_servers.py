"""The servers of bench/live_fanout.py: the scratch PostgreSQL database and its demo seed, the
uvicorn processes on free ports, their memory and CPU, Redis's view of the sockets, and the
chair's delay POSTed through the API."""

import asyncio
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from live_clients import TIMEOUT

ROOT = Path(__file__).resolve().parent.parent


SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


DATABASE = "confman_bench_live"


# uvicorn --ws, for confman and the floor alike: confman's (the websocket_protocol fast path,
# uvicorn's sans-I/O protocol compressing without context takeover); "auto" for uvicorn's own.
WS_IMPL = os.environ.get("BENCH_WS", "confman.core.fastpaths.websocket:WebSocketProtocol")


# For experiments: another ASGI app (e.g. a wrapper that patches something) and more uvicorn
# arguments, such as "--ws-per-message-deflate=false".
APP = os.environ.get("BENCH_APP", "confman.asgi:application")


EXTRA_ARGS = os.environ.get("BENCH_UVICORN_ARGS", "").split()


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(SERVER)._replace(path=f"/{name}"))


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True, connect_timeout=10) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database() -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True, connect_timeout=10) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def redis_members(prefix: str, event: int) -> tuple[int, int]:
    """How many sockets the channel layer has in the event's group, and how many the viewer
    count holds (each consumer marks itself as its last step of connecting)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=10)
    try:
        return (
            client.zcard(f"{prefix}:asgi:group:event-{event}.live"),
            client.zcard(f"{prefix}:viewers:{event}"),
        )
    finally:
        client.close()


def delete_redis_keys(prefix: str) -> int:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=10)
    deleted = 0
    batch = []
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        batch.append(key)
        if len(batch) >= 500:
            deleted += client.delete(*batch)
            batch = []
    if batch:
        deleted += client.delete(*batch)
    client.close()
    return deleted


SEED = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from confman.demo.load import seed_load_test

call_command("migrate", verbosity=0)
with open(sys.argv[1], "w") as out:
    json.dump(seed_load_test("bench-organiser"), out)
"""


def seed(env: dict, scratch: str) -> dict:
    path = Path(scratch) / "seed.json"
    subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", SEED, str(path)], env=env, cwd=ROOT, check=True, timeout=300
    )
    return json.loads(path.read_text())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The floor (bench/live_floor.py): the same uvicorn, Redis and clients, no database.
FLOOR_APP = "live_floor:application"


def start_servers(env: dict, count: int, app: str = APP) -> list[tuple[subprocess.Popen, int]]:
    servers = []
    for _ in range(count):
        port = free_port()
        arguments = [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws-max-size",
            "65536",
            "--lifespan",
            "off",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        if WS_IMPL:
            arguments += ["--ws", WS_IMPL]
        arguments += EXTRA_ARGS
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            arguments, env={**env, "SITE_URL": f"http://127.0.0.1:{port}"}, cwd=ROOT
        )
        servers.append((process, port))
    for process, port in servers:
        wait_for_server(process, port)
    return servers


def stop_servers(servers: list[tuple[subprocess.Popen, int]]) -> None:
    for process, _ in servers:
        if process.poll() is None:
            process.terminate()
    for process, _ in servers:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_for_server(process: subprocess.Popen, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server on port {port} stopped while starting")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server on port {port} did not start")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def warm_up(slug: str, ports: list[int]) -> None:
    """One socket per server before the clock runs: imports, the Redis and database connections."""
    import websockets

    async def one(port: int) -> None:
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/events/{slug}/live/",
            origin=f"http://127.0.0.1:{port}",
            open_timeout=TIMEOUT,
            max_size=2**23,
        ) as ws:
            await asyncio.wait_for(ws.recv(), TIMEOUT)

    async def all_of() -> None:
        await asyncio.gather(*(one(port) for port in ports))

    asyncio.run(all_of())
    time.sleep(0.5)


def database_transactions() -> int:
    """Transactions the scratch database has committed or rolled back so far: every query of
    a request in autocommit is one, so the difference over a stage is its database load."""
    import psycopg

    with psycopg.connect(SERVER, autocommit=True, connect_timeout=10) as connection:
        row = connection.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s",
            [DATABASE],
        ).fetchone()
    return int(row[0]) if row else 0


def post_floor(port: int) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request("POST", "/post", body=b"")
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def post_delay(port: int, slug: str, session: int, token: str, minutes: int) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(
            "POST",
            f"/api/events/{slug}/sessions/{session}/status",
            body=json.dumps({"action": "delay", "minutes": minutes}),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()

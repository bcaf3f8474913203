"""The production stack, rehearsed on this machine: `make rehearse` (CI runs it on its PostgreSQL
leg).

Debian's nginx on loopback, configured with deploy/nginx/confman-locations.conf as shipped and an
upstream like deploy/nginx/confman.conf's, in front of two uvicorn web processes and one task
worker started with the command lines of deploy/systemd/'s units, on PostgreSQL (a scratch
database, `confman_rehearsal`, dropped at the end) and Redis (a prefix of its own, deleted at the
end). Through the proxy it checks, and prints as it goes:

1. /healthz; the pages; a static file with its year-long cache and gzip; an upload over the
   size limit refused by the proxy;
2. an API write (a chair's delay, with an organiser's token) reaching every live WebSocket, on
   both web processes, and a Server-Sent Events stream;
3. a registration through the API whose confirmation the task worker sends (to var/mail/);
4. one web process killed: the proxy answers through the other, the sockets that were on the
   dead one reconnect with `?since=` their last number, and after two more delays every socket
   holds every update, in order, none missing.

Needs nginx (apt install nginx), PostgreSQL (REHEARSAL_POSTGRES_URL, else DATABASE_URL, else
postgres://postgres@127.0.0.1:5432/postgres) and Redis (REDIS_URL, else the local one). Every
wait has a timeout; the processes are stopped and the scratch data removed in `finally`."""

import asyncio
import contextlib
import gzip
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SERVER = os.environ.get(
    "REHEARSAL_POSTGRES_URL",
    os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres",
)
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
DATABASE = "confman_rehearsal"
TIMEOUT = 30.0  # seconds: any one wait
SOCKETS = 10  # live pages through the proxy, spread over both web processes

SEED = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from confman.demo.load import seed_load_test
from events.models import Event
from registrations.services.tickets import ticket_create

call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
seeded = seed_load_test("rehearsal")
event = Event.objects.get(pk=seeded["event"])
ticket = ticket_create(event=event, by=None, name="Rehearsal", modes="online", quota=100)
with open(sys.argv[1], "w") as out:
    json.dump({**seeded, "ticket": ticket.pk}, out)
"""


class Failed(Exception):
    pass


def ok(what: str, detail: str = "") -> None:
    print(f"  ok  {what}" + (f" ({detail})" if detail else ""), flush=True)


def require(condition: bool, what: str) -> None:
    if not condition:
        raise Failed(what)


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(SERVER)._replace(path=f"/{name}"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unit_command(unit: str, instance: str) -> list[str]:
    """A systemd unit's ExecStart, as this checkout runs it: its interpreter for the venv's."""
    text = (DEPLOY / "systemd" / unit).read_text().replace("\\\n", " ")
    line = next(x for x in text.splitlines() if x.startswith("ExecStart="))
    words = shlex.split(line.removeprefix("ExecStart="))
    words = [w.replace("%i", instance).replace("%H", "rehearsal") for w in words]
    if words[0].endswith("/uvicorn"):
        return [sys.executable, "-m", "uvicorn", *words[1:]]
    if words[0].endswith("/python"):
        return [sys.executable, *words[1:]]
    raise Failed(f"{unit}: ExecStart {words[0]} is neither uvicorn nor python")


def nginx_conf(scratch: Path, listen: int, upstreams: list[int]) -> Path:
    """deploy/nginx/confman-locations.conf in a server of our own on loopback, behind an
    upstream like confman.conf's, with every path in the scratch directory."""
    shipped = (DEPLOY / "nginx" / "confman.conf").read_text()
    options = re.search(r"server 127\.0\.0\.1:8001 ([^;]*);", shipped).group(1)
    servers = "\n".join(f"        server 127.0.0.1:{port} {options};" for port in upstreams)
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = scratch / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
pid {scratch}/nginx.pid;
error_log {scratch}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {scratch}/client_body;
    proxy_temp_path {scratch}/proxy;
    fastcgi_temp_path {scratch}/fastcgi;
    uwsgi_temp_path {scratch}/uwsgi;
    scgi_temp_path {scratch}/scgi;
    upstream confman {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{listen};
        server_name 127.0.0.1;
        root {scratch}/var;
        include {DEPLOY}/nginx/confman-locations.conf;
    }}
}}
"""
    )
    return conf


def request(port: int, method: str, path: str, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        connection.close()


def wait_until(check, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            found = check()
            if found:
                return found
        time.sleep(0.2)
    raise Failed(f"{what}: not within {timeout:.0f} s")


class Stack:
    def __init__(self, scratch: Path, env: dict):
        self.scratch, self.env = scratch, env
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str]) -> None:
        log = (self.scratch / f"{name}.log").open("w")
        self.processes[name] = subprocess.Popen(  # noqa: S603 (our own commands)
            command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()

    def log_tail(self, name: str) -> str:
        path = self.scratch / f"{name}.log"
        return path.read_text()[-2000:] if path.exists() else ""


class Sockets:
    """Live pages through the proxy: each keeps every update number it receives, and when its
    socket drops, reconnects with ?since= its last number, as the page does."""

    def __init__(self, proxy: int, slug: str):
        self.url = f"ws://127.0.0.1:{proxy}/ws/events/{slug}/live/"
        self.origin = f"http://127.0.0.1:{proxy}"
        self.seen: list[list[int]] = [[] for _ in range(SOCKETS)]
        self.last = [0] * SOCKETS
        self.reconnects = [0] * SOCKETS
        self.ready = [asyncio.Event() for _ in range(SOCKETS)]
        self.tasks: list[asyncio.Task] = []

    async def keep(self, i: int) -> None:
        import websockets

        while True:
            query = f"?since={self.last[i]}" if self.last[i] else ""
            try:
                async with websockets.connect(
                    self.url + query, origin=self.origin, open_timeout=TIMEOUT
                ) as ws:
                    async for raw in ws:
                        frame = json.loads(raw)
                        if frame["type"] == "hello":
                            self.last[i] = max(self.last[i], frame["sequence"])
                            self.ready[i].set()
                        elif frame["type"] == "update":
                            self.seen[i].append(frame["sequence"])
                            self.last[i] = frame["sequence"]
            except (OSError, websockets.ConnectionClosed, websockets.InvalidStatus):
                pass
            self.reconnects[i] += 1
            await asyncio.sleep(0.2)

    async def open(self) -> None:
        self.tasks = [asyncio.create_task(self.keep(i)) for i in range(SOCKETS)]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in self.ready)), TIMEOUT)

    async def until_all_have(self, sequences: list[int], what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if all(set(sequences) <= set(seen) for seen in self.seen):
                return
            await asyncio.sleep(0.1)
        missing = [sorted(set(sequences) - set(seen)) for seen in self.seen]
        raise Failed(f"{what}: sockets still missing {missing}")

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


class EventStream(threading.Thread):
    """The Server-Sent Events stream through the proxy, read line by line as it comes."""

    def __init__(self, proxy: int, slug: str):
        super().__init__(daemon=True)
        self.proxy, self.slug = proxy, slug
        self.ids: list[int] = []
        self.snapshot = threading.Event()

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.proxy, timeout=TIMEOUT * 4)
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection.request("GET", f"/events/{self.slug}/live/events")
            response = connection.getresponse()
            fields: dict[str, str] = {}
            for raw in response:
                line = raw.decode().strip()
                if line and not line.startswith(":"):
                    name, _, value = line.partition(": ")
                    fields[name] = value
                    continue
                # A blank line ends an event.
                if fields.get("event") == "snapshot":
                    self.snapshot.set()
                elif fields.get("event") == "update":
                    self.ids.append(int(fields["id"]))
                fields = {}


def post_delay(proxy: int, seeded: dict, minutes: int) -> int:
    status, _, body = request(
        proxy,
        "POST",
        f"/api/events/{seeded['slug']}/sessions/{seeded['session']}/status",
        json.dumps({"action": "delay", "minutes": minutes}),
        {"Content-Type": "application/json", "Authorization": f"Bearer {seeded['token']}"},
    )
    require(status == 200, f"the chair's delay answered {status}: {body[:300]!r}")
    return json.loads(body)["update_sequence"]


def check_pages(proxy: int, slug: str) -> None:
    status, _, body = request(proxy, "GET", "/healthz")
    health = json.loads(body)
    require(status == 200, f"/healthz answered {status}: {health}")
    ok(
        "/healthz through the proxy",
        f"database {health['database']['status']}, channel layer "
        f"{health['channel_layer']['status']}",
    )
    for path in ("/", f"/events/{slug}/", f"/events/{slug}/agenda/", f"/events/{slug}/live/"):
        status, headers, body = request(proxy, "GET", path)
        require(status == 200, f"{path} answered {status}")
        require("content-security-policy" in headers, f"{path} has no Content-Security-Policy")
    ok("pages through the proxy", "the event list, the event, its agenda, its live page")
    page = request(proxy, "GET", f"/events/{slug}/")[2].decode()
    css = re.search(r'href="(/static/[^"]+\.css)"', page)
    require(css is not None, "the event page links no stylesheet")
    status, headers, body = request(proxy, "GET", css.group(1), headers={"Accept-Encoding": "gzip"})
    require(status == 200, f"{css.group(1)} answered {status}")
    require("immutable" in headers.get("cache-control", ""), f"cache: {headers}")
    require(headers.get("content-encoding") == "gzip", f"not gzipped: {headers}")
    require(b"{" in gzip.decompress(body), "the stylesheet is not CSS")
    ok("static file from nginx", f"{css.group(1)}: {headers['cache-control']}, gzip")
    with socket.create_connection(("127.0.0.1", proxy), timeout=TIMEOUT) as raw:
        raw.sendall(
            f"POST /events/{slug}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/octet-stream\r\nContent-Length: 60000000\r\n\r\n".encode()
        )
        answer = raw.recv(200).decode("latin-1")
    require(" 413 " in answer.split("\r\n")[0], f"a 60 MB upload: {answer[:80]!r}")
    ok("an upload over the limit refused by the proxy", "60 MB: 413")


def check_registration(proxy: int, seeded: dict, var: Path) -> None:
    email = f"rehearsal-{uuid.uuid4().hex[:8]}@example.org"
    status, _, body = request(
        proxy,
        "POST",
        f"/api/events/{seeded['slug']}/registrations",
        json.dumps(
            {
                "ticket_id": seeded["ticket"],
                "mode": "online",
                "name": "Rehearsal Participant",
                "email": email,
                "country": "KE",
                "consent": True,
                "gender": "unsaid",
            }
        ),
        {"Content-Type": "application/json"},
    )
    require(status == 201, f"the registration answered {status}: {body[:300]!r}")

    def mailed():
        return [p for p in (var / "mail").glob("*") if email in p.read_text(errors="replace")]

    found = wait_until(mailed, "the confirmation mail from the task worker")
    ok("a registration through the API, its mail sent by the task worker", found[0].name)


async def live_checks(proxy: int, seeded: dict, stack: Stack, web: list[str]) -> None:
    sockets = Sockets(proxy, seeded["slug"])
    stream = EventStream(proxy, seeded["slug"])
    stream.start()
    await sockets.open()
    require(stream.snapshot.wait(TIMEOUT), "the event stream sent no snapshot")
    first = await asyncio.to_thread(post_delay, proxy, seeded, 7)
    await sockets.until_all_have([first], "the delay on every socket")
    ok(
        f"an API write (a chair's delay, update {first}) on all {SOCKETS} sockets",
        "spread over both web processes by the proxy",
    )
    await asyncio.to_thread(
        wait_until, lambda: first in stream.ids, "the delay on the Server-Sent Events stream"
    )
    ok("the same update on the Server-Sent Events stream, unbuffered")

    victim = stack.processes[web[0]]
    victim.send_signal(signal.SIGKILL)
    victim.wait(TIMEOUT)
    later = [await asyncio.to_thread(post_delay, proxy, seeded, 8 + n) for n in range(2)]
    for _ in range(5):
        status = request(proxy, "GET", f"/events/{seeded['slug']}/")[0]
        require(status == 200, f"with one web process down the proxy answered {status}")
    ok(f"{web[0]} killed: the proxy answers through {web[1]}", "5 pages, 2 delays")
    await sockets.until_all_have([first, *later], "every update after the kill")
    moved = sum(1 for n in sockets.reconnects if n)
    require(moved > 0, "no socket was on the killed process: the proxy did not spread them")
    for seen in sockets.seen:
        require(seen == sorted(set(seen)), f"a socket got updates out of order or twice: {seen}")
        require(
            seen[seen.index(first) :] == list(range(first, later[-1] + 1)),
            f"a socket missed an update: {seen}",
        )
    ok(
        f"{moved} sockets reconnected with ?since=, every socket has updates "
        f"{first}-{later[-1]} in order, none missing"
    )
    await sockets.close()


def main() -> int:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        print("rehearse: nginx is not installed (apt install nginx)", file=sys.stderr)
        return 2
    began = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="confman-rehearsal-"))
    scratch.chmod(0o755)
    prefix = f"rehearsal-{uuid.uuid4().hex[:10]}"
    proxy = free_port()
    ports = [free_port(), free_port()]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "confman.settings",
        "DEBUG": "false",
        "SECRET_KEY": "rehearsal-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{proxy}",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{proxy}",
        "CONFMAN_VAR_DIR": str(scratch / "var"),
        "DATABASE_URL": database_url(DATABASE),
        "DATABASE_POOL_SIZE": "4",
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": prefix,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    for name in ("EMAIL_URL", "DATABASE_CONN_MAX_AGE"):
        env.pop(name, None)  # mail to var/mail/, where the check reads it
    stack = Stack(scratch, env)
    import psycopg

    print(
        f"Rehearsal: nginx on 127.0.0.1:{proxy} -> web {ports}, one task worker; "
        f"PostgreSQL {DATABASE}, Redis prefix {prefix}",
        flush=True,
    )
    try:
        with psycopg.connect(SERVER, autocommit=True, connect_timeout=10) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
        subprocess.run(  # noqa: S603 (our own interpreter and script)
            [sys.executable, "-c", SEED, str(scratch / "seed.json")],
            env=env,
            cwd=ROOT,
            check=True,
            timeout=300,
        )
        seeded = json.loads((scratch / "seed.json").read_text())
        ok("database migrated, demo conference seeded, static files collected", seeded["slug"])
        web = [f"web-{port}" for port in ports]
        for name, port in zip(web, ports, strict=True):
            stack.start(name, unit_command("confman-web@.service", str(port)))
        stack.start("worker", unit_command("confman-worker@.service", "1"))
        conf = nginx_conf(scratch, proxy, ports)
        subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-p", str(scratch)], check=True)  # noqa: S603
        stack.start("nginx", [nginx, "-c", str(conf), "-p", str(scratch), "-g", "daemon off;"])
        for port in ports:
            wait_until(lambda port=port: request(port, "GET", "/healthz")[0] == 200, f"web {port}")
        ok("started as deploy/systemd/'s units run them", f"{', '.join(web)}, worker, nginx")
        check_pages(proxy, seeded["slug"])
        check_registration(proxy, seeded, scratch / "var")
        asyncio.run(live_checks(proxy, seeded, stack, web))
    except (Failed, subprocess.CalledProcessError, subprocess.TimeoutExpired) as failure:
        print(f"  FAILED  {failure}", file=sys.stderr)
        for name in stack.processes:
            tail = stack.log_tail(name)
            if tail.strip():
                print(f"--- {name} (last lines) ---\n{tail}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
        with (
            contextlib.suppress(Exception),
            psycopg.connect(SERVER, autocommit=True, connect_timeout=10) as connection,
        ):
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        with contextlib.suppress(Exception):
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
            if keys:
                client.delete(*keys)
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"Rehearsal passed in {time.monotonic() - began:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

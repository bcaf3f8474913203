"""Live fan-out: thousands of websocket clients on the demo event's live channel, one chair update.

Run from the repository root: `.venv/bin/python bench/live_fanout.py` (or `make bench-live`).
Needs PostgreSQL (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres) and
Redis (REDIS_URL, default redis://127.0.0.1:6379/0). It creates a scratch database
(`confman_bench_live`, dropped first and at the end), migrates it, seeds the demo conference
(`confman.demo.events.seed_demo_event`), an organiser on its team with an API token, and picks the
session to run late (the one live now, else the next one scheduled). Then, for each of
1 uvicorn process and 2 uvicorn processes on two ports behind the same Redis (channels-redis),
with 1000 and then 5000 clients:

1. start the servers (fresh, `confman.asgi:application`), one warm-up socket each, read their
   RSS (VmRSS in /proc/PID/status);
2. connect the clients (asyncio + `websockets`, uvloop, in client processes; clients split
   evenly over the servers), each reading its `hello` frame: connect rate = clients joining /
   seconds from the first connect to the last `hello`; read the servers' RSS again: memory per
   client = (after - before) / clients connected. The stages add up: the 1000 clients of the
   first stage stay connected while 4000 more join for the second (connecting is the slow
   part: the server does each socket's snapshot one at a time);
3. ROUNDS times, a second apart: POST /api/events/<slug>/sessions/<id>/status
   {"action": "delay", "minutes": K} to process A with the organiser's token. The service
   logs one SessionUpdate; its `created_at` is taken inside the transaction that commits it,
   and the broadcast goes out on commit. Each client stamps every frame with time.time() the
   moment `recv()` returns it (parsing waits until the end), so latency = receipt -
   update.created_at, both on this machine's clock. A client that has not received an update
   within TIMEOUT seconds of its POST counts as lost; every client must receive exactly the
   posted sequence numbers, in order, without gaps.

It prints one table (processes, clients, connect rate, RSS per client, latency median / p99 /
max, lost, the target) and a few lines per stage on where the time went: the server CPU per
connect, the POST's own time, the CPU seconds the servers and the client processes used during
the rounds, and how many sockets Redis holds in the event's group and in the viewer count.
Targets (issue 7, this 2-core machine): 1000 clients p99 under 500 ms; 5000 clients all
delivered, p99 under 2 s. Anchor: venueless's load test on an 8-core server reported a ping p95
of 2.2 s at 2,700 clients with 96% of checks passing. About 7 minutes on a quiet machine, most
of it connecting the sockets; longer when other work shares the cores.

Knobs (environment): BENCH_CLIENTS (1000,5000), BENCH_PROCESSES (1,2), BENCH_CLIENT_PROCS,
BENCH_POOL_SIZE (20, DATABASE_POOL_SIZE of the servers), BENCH_DEBUG (true), and for
experiments BENCH_WS (uvicorn --ws), BENCH_UVICORN_ARGS (more uvicorn arguments) and
BENCH_APP (another ASGI application, e.g. a wrapper that patches something to measure it).

Bounded: only 127.0.0.1; every wait has a timeout and the whole run an alarm (DEADLINE); the
servers are killed, the database dropped and the Redis keys of this run's prefix deleted in
`finally`. The clients share the 2 cores with the servers: a run that goes past 2000 clients
holds them in two client processes (for every stage), else in one (BENCH_CLIENT_PROCS
overrides), and that client work is part of the figures (an upper bound on the server's
latency)."""

import asyncio
import contextlib
import http.client
import json
import math
import multiprocessing
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
DATABASE = "confman_bench_live"
CLIENT_COUNTS = [int(n) for n in os.environ.get("BENCH_CLIENTS", "1000,5000").split(",")]
PROCESS_COUNTS = [int(n) for n in os.environ.get("BENCH_PROCESSES", "1,2").split(",")]
CLIENT_PROCS = int(os.environ.get("BENCH_CLIENT_PROCS", "0"))  # 0: 1 up to 2000 clients, else 2
WS_IMPL = os.environ.get("BENCH_WS", "")  # uvicorn --ws (auto: websockets-sansio)
# For experiments: another ASGI app (e.g. a wrapper that patches something) and more uvicorn
# arguments, such as "--ws-per-message-deflate=false".
APP = os.environ.get("BENCH_APP", "confman.asgi:application")
EXTRA_ARGS = os.environ.get("BENCH_UVICORN_ARGS", "").split()
ROUNDS = 5
PAUSE = 1.0  # seconds between rounds
TIMEOUT = 30.0  # seconds: an update not received by then is lost
CONNECT_CONCURRENCY = 64  # handshakes in flight per client process
DEADLINE = 1500  # seconds: the whole run
TARGETS = {1000: 0.5, 5000: 2.0}  # p99 in seconds
ANCHOR = (
    "Anchor: venueless's load test on an 8-core server reported a ping p95 of 2.2 s "
    "at 2,700 clients with 96% of checks passing."
)


# --- the clients (in their own processes) --------------------------------------------------


def _client_process(pipe, ports: list[int], slug: str) -> None:
    """Hold len(ports) sockets (client i on ports[i]) and answer the driver's commands."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    try:
        asyncio.run(_clients(pipe, ports, slug))
    except Exception as exc:  # report, never hang the driver
        pipe.send(("error", f"{type(exc).__name__}: {exc}"))


async def _ask(pipe, timeout: float):
    """The driver's next command, or None after `timeout` seconds."""
    ready = await asyncio.to_thread(pipe.poll, timeout)
    return pipe.recv() if ready else None


class _Clients:
    """The sockets of one client process. Stages: `connect` up to a number of sockets (each
    reads its hello), then rounds (`round` r: wait until every socket has r frames since the
    stage began), then `summary` of the stage's frames; `close` at the end."""

    def __init__(self, ports: list[int], slug: str):
        self.ports = ports
        self.slug = slug
        self.sockets: list = []
        self.hellos: list = []
        self.frames: list[list[tuple[float, str]]] = []
        self.offsets: list[int] = []
        self.readers: list[asyncio.Task] = []
        self.stage_of: list[int] = []
        self.stages = 0
        self.closed_early = 0
        self.reader_errors: dict[str, int] = {}
        self.new_stage()

    def new_stage(self) -> None:
        self.offsets = [len(mine) for mine in self.frames]
        self.reached = [0] * (ROUNDS + 2)  # reached[r]: sockets with r frames this stage
        self.events = [asyncio.Event() for _ in range(ROUNDS + 2)]

    @property
    def open(self) -> int:
        return sum(1 for h in self.hellos if h is not None)

    async def reader(self, i: int) -> None:
        import websockets

        mine = self.frames[i]
        try:
            async for raw in self.sockets[i]:
                mine.append((time.time(), raw))  # stamped now, parsed after the stage
                r = len(mine) - self.offsets[i]
                if r < len(self.reached):
                    self.reached[r] += 1
                    if self.reached[r] == self.open:
                        self.events[r].set()
        except websockets.ConnectionClosed:
            pass
        except Exception as exc:  # counted, so that a broken reader is not a silent loss
            name = type(exc).__name__
            self.reader_errors[name] = self.reader_errors.get(name, 0) + 1
        self.closed_early += 1

    async def connect_one(self, i: int, gate: asyncio.Semaphore, errors: dict) -> bool:
        import websockets

        port = self.ports[i]
        async with gate:
            try:
                socket = await websockets.connect(
                    f"ws://127.0.0.1:{port}/ws/events/{self.slug}/live/",
                    origin=f"http://127.0.0.1:{port}",
                    open_timeout=TIMEOUT,
                    close_timeout=5,
                    ping_interval=None,  # browsers send no protocol pings; uvicorn pings us
                    max_size=2**23,
                    max_queue=64,
                )
                self.sockets[i] = socket
                self.hellos[i] = json.loads(await asyncio.wait_for(socket.recv(), TIMEOUT))
            except Exception as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                return False
        self.readers.append(asyncio.create_task(self.reader(i)))
        return True

    async def connect(self, total: int) -> dict:
        first = len(self.sockets)
        total = min(total, len(self.ports))
        self.sockets += [None] * (total - first)
        self.hellos += [None] * (total - first)
        self.frames += [[] for _ in range(total - first)]
        self.stages += 1
        self.stage_of += [self.stages] * (total - first)
        self.new_stage()
        errors: dict[str, int] = {}
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        started = time.time()
        done = await asyncio.gather(
            *(self.connect_one(i, gate, errors) for i in range(first, total))
        )
        finished = time.time()
        self.new_stage()
        hellos = [h for h in self.hellos[first:] if h]
        return {
            "ok": sum(done),
            "open": self.open,
            "errors": errors,
            "started": started,
            "finished": finished,
            "sequences": sorted({h["sequence"] for h in hellos}),
            "hello_bytes": max((len(json.dumps(h)) for h in hellos), default=0),
            "cpu": time.process_time(),
        }

    async def wait_round(self, r: int, deadline: float) -> int:
        if r < len(self.events) and self.reached[r] < self.open:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.events[r].wait(), max(0.0, deadline - time.time()))
        return self.reached[r] if r < len(self.reached) else 0

    def summary(self, posted: dict[int, float]) -> dict:
        """The stage's frames, parsed now. `posted`: sequence -> the wall time its POST started
        (an update not received TIMEOUT seconds after it counts as lost). Every socket must
        have received exactly the posted numbers, in order. Sockets that missed something are
        counted by server port and by the stage in which they joined."""
        latencies: dict[int, list[float]] = {s: [] for s in posted}
        expected = sorted(posted)
        disordered = 0
        late = 0
        others: dict[str, int] = {}
        missed: dict[str, int] = {}
        for i, (hello, mine, offset) in enumerate(
            zip(self.hellos, self.frames, self.offsets, strict=True)
        ):
            if hello is None:
                continue
            seen = []
            on_time = 0
            for received, raw in mine[offset:]:
                message = json.loads(raw)
                if message.get("type") != "update":
                    kind = str(message.get("type"))
                    others[kind] = others.get(kind, 0) + 1
                    continue
                sequence = message["sequence"]
                seen.append(sequence)
                if sequence in posted and received <= posted[sequence] + TIMEOUT:
                    created = datetime.fromisoformat(message["update"]["created_at"])
                    latencies[sequence].append(received - created.timestamp())
                    on_time += 1
                else:
                    late += 1
            if seen != expected:
                disordered += 1
            if on_time < len(expected):
                key = f"port {self.ports[i]}, joined in stage {self.stage_of[i]}"
                missed[key] = missed.get(key, 0) + 1
        lost = {s: self.open - len(values) for s, values in latencies.items()}
        return {
            "latencies": latencies,
            "lost": lost,
            "disordered": disordered,
            "late": late,
            "missed_by": missed,
            "others": others,
            "closed_early": self.closed_early,
            "reader_errors": self.reader_errors,
            "cpu": time.process_time(),
        }

    async def close(self) -> None:
        for task in self.readers:
            task.cancel()
        await asyncio.wait_for(
            asyncio.gather(
                *(s.close() for s in self.sockets if s is not None), return_exceptions=True
            ),
            30,
        )


async def _clients(pipe, ports: list[int], slug: str) -> None:
    clients = _Clients(ports, slug)
    while True:
        command = await _ask(pipe, 600)
        if command is None:
            break
        if command[0] == "connect":
            pipe.send(("connected", await clients.connect(command[1])))
        elif command[0] == "round":
            reached = await clients.wait_round(command[1], command[2])
            pipe.send(("round", reached, time.process_time()))
        elif command[0] == "summary":
            pipe.send(("summary", clients.summary(command[1])))
        elif command[0] == "close":
            await clients.close()
            pipe.send(("closed",))
            break
    await asyncio.sleep(0)


# --- the servers ---------------------------------------------------------------------------


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
from django.contrib.auth.models import User
from django.core.management import call_command
from confman.demo.events import seed_demo_event
from events.models import TeamMember
from events.services import api_token_create, team_member_set
from sessions.models import SessionStatus

call_command("migrate", verbosity=0)
event, _ = seed_demo_event()
organiser = User.objects.create_user("bench-organiser", email="bench-organiser@example.org")
team_member_set(event=event, by=None, user=organiser, role=TeamMember.Role.ORGANISER)
token = api_token_create(user=organiser, name="bench")[1]
sessions = event.sessions.order_by("start", "pk")
session = (
    sessions.filter(status=SessionStatus.LIVE).first()
    or sessions.filter(status=SessionStatus.SCHEDULED).first()
)
with open(sys.argv[1], "w") as out:
    json.dump(
        {
            "slug": event.slug,
            "event": event.pk,
            "session": session.pk,
            "title": session.title,
            "status": session.status,
            "token": token,
        },
        out,
    )
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


def start_servers(env: dict, count: int) -> list[tuple[subprocess.Popen, int]]:
    servers = []
    for _ in range(count):
        port = free_port()
        arguments = [
            sys.executable,
            "-m",
            "uvicorn",
            APP,
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


# --- one run: P processes, N clients -------------------------------------------------------


def _receive(pipe, kind: str, timeout: float):
    if not pipe.poll(timeout):
        raise TimeoutError(f"a client process did not answer ({kind}) within {timeout:.0f} s")
    message = pipe.recv()
    if message[0] == "error":
        raise RuntimeError(f"a client process failed: {message[1]}")
    if message[0] != kind:
        raise RuntimeError(f"a client process answered {message[0]!r}, not {kind!r}")
    return message


def _add_up(counts) -> dict[str, int]:
    total: dict[str, int] = {}
    for count in counts:
        for key, n in count.items():
            total[key] = total.get(key, 0) + n
    return total


def _ask_all(workers: list, command: tuple, kind: str, timeout: float) -> list:
    for _, pipe in workers:
        pipe.send(command)
    return [_receive(pipe, kind, timeout) for _, pipe in workers]


def run(env: dict, seeded: dict, processes: int, stages: list[dict]) -> None:
    """P server processes; the clients connect in stages (CLIENT_COUNTS, cumulative: the 1000
    stay connected while 4000 more join), ROUNDS updates per stage; each stage's figures are
    appended to `stages` as soon as they are known."""
    most = max(CLIENT_COUNTS)
    client_procs = CLIENT_PROCS or (1 if most <= 2000 else 2)
    servers = start_servers(env, processes)
    workers: list[tuple[multiprocessing.Process, object]] = []
    context = multiprocessing.get_context("spawn")
    try:
        ports = [port for _, port in servers]
        pids = [process.pid for process, _ in servers]
        warm_up(seeded["slug"], ports)
        rss_before = [rss_kb(pid) for pid in pids]
        # Client i runs in client process i % W and talks to server (i // W) % P: every client
        # process and every server gets an even share at each stage.
        assignment = [ports[(i // client_procs) % len(ports)] for i in range(most)]
        for w in range(client_procs):
            ours, theirs = context.Pipe()
            worker = context.Process(
                target=_client_process,
                args=(theirs, assignment[w::client_procs], seeded["slug"]),
                daemon=True,
            )
            worker.start()
            workers.append((worker, ours))
        for k, clients in enumerate(CLIENT_COUNTS):
            load = os.getloadavg()[0]
            cpu_connect = [cpu_seconds(pid) for pid in pids]
            for w, (_, pipe) in enumerate(workers):
                pipe.send(("connect", len(range(w, clients, client_procs))))
            connected = [_receive(pipe, "connected", 600)[1] for _, pipe in workers]
            cpu_connect = sum(cpu_seconds(pid) for pid in pids) - sum(cpu_connect)
            rss_after = [rss_kb(pid) for pid in pids]
            members = redis_members(env["REDIS_PREFIX"], seeded["event"])
            opened = sum(c["open"] for c in connected)
            joined = sum(c["ok"] for c in connected)
            seconds = max(c["finished"] for c in connected) - min(c["started"] for c in connected)
            posted: dict[int, float] = {}
            post_ms, round_wall, statuses = [], [], []
            cpu_servers_before = [cpu_seconds(pid) for pid in pids]
            cpu_clients_before = sum(c["cpu"] for c in connected)
            cpu_clients_after = cpu_clients_before
            for r in range(1, ROUNDS + 1):
                time.sleep(PAUSE)
                started = time.time()
                status, answer = post_delay(
                    ports[0], seeded["slug"], seeded["session"], seeded["token"], 30 * k + 5 * r
                )
                post_ms.append((time.time() - started) * 1000)
                statuses.append(status)
                if status != 200:
                    print(f"  round {r}: the POST answered {status}: {answer}", flush=True)
                    continue
                posted[answer["update_sequence"]] = started
                answers = _ask_all(
                    workers, ("round", len(posted), started + TIMEOUT), "round", TIMEOUT + 30
                )
                round_wall.append(time.time() - started)
                cpu_clients_after = sum(a[2] for a in answers)
            cpu_servers = [
                cpu_seconds(pid) - before
                for pid, before in zip(pids, cpu_servers_before, strict=True)
            ]
            results = [a[1] for a in _ask_all(workers, ("summary", posted), "summary", 120)]
            members_after = redis_members(env["REDIS_PREFIX"], seeded["event"])
            latencies = [x for res in results for v in res["latencies"].values() for x in v]
            per_round = {
                s: [x for res in results for x in res["latencies"][s]] for s in sorted(posted)
            }
            lost = sum(n for res in results for n in res["lost"].values())
            stages.append(
                {
                    "processes": processes,
                    "clients": clients,
                    "client_procs": client_procs,
                    "open": opened,
                    "joined": joined,
                    "connect_errors": _add_up(c["errors"] for c in connected),
                    "connect_rate": joined / seconds if seconds > 0 else float("nan"),
                    "connect_seconds": seconds,
                    "connect_cpu_ms": cpu_connect * 1000 / max(joined, 1),
                    "rss_per_client_kb": (sum(rss_after) - sum(rss_before)) / max(opened, 1),
                    "rss_mb": [round(b / 1024) for b in rss_before],
                    "rss_after_mb": [round(a / 1024) for a in rss_after],
                    "hello_bytes": max(c["hello_bytes"] for c in connected),
                    "latencies": latencies,
                    "per_round": per_round,
                    # a client that could not connect received nothing
                    "lost": lost + (clients - opened) * len(posted),
                    "disordered": sum(res["disordered"] for res in results),
                    "closed_early": sum(res["closed_early"] for res in results),
                    "reader_errors": _add_up(res["reader_errors"] for res in results),
                    "late": sum(res["late"] for res in results),
                    "missed_by": _add_up(res["missed_by"] for res in results),
                    "others": _add_up(res["others"] for res in results),
                    "statuses": statuses,
                    "post_ms": post_ms,
                    "round_wall": round_wall,
                    "cpu_servers": cpu_servers,
                    "cpu_clients": cpu_clients_after - cpu_clients_before,
                    "load": (load, os.getloadavg()[0]),
                    "members": (members, members_after),
                }
            )
            print(details(stages[-1]), flush=True)
        _ask_all(workers, ("close",), "closed", 60)
    finally:
        for worker, _ in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.terminate()
                worker.join(timeout=5)
        stop_servers(servers)


# --- reporting -----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else float("nan")


def verdict(result: dict) -> str:
    limit = TARGETS.get(result["clients"])
    if limit is None:
        return "-"
    p99 = percentile(result["latencies"], 0.99)
    ok = p99 < limit and result["lost"] == 0 and result["disordered"] == 0
    need = f"p99<{limit * 1000:.0f} ms" if limit < 1 else f"p99<{limit:.0f} s"
    if result["clients"] >= 5000:
        need = "all delivered, " + need
    return f"{need}: {'met' if ok else 'MISSED'}"


def table(results: list[dict]) -> str:
    head = (
        f"{'processes':>9} {'clients':>7} {'connect/s':>9} {'RSS/client':>10} "
        f"{'median':>8} {'p99':>8} {'max':>8} {'lost':>5}  target"
    )
    lines = [head, "-" * len(head) + "-" * 22]
    for r in results:
        values = r["latencies"]
        median = statistics.median(values) * 1000 if values else float("nan")
        lines.append(
            f"{r['processes']:>9} {r['clients']:>7} {r['connect_rate']:>9.0f} "
            f"{r['rss_per_client_kb']:>7.1f} KB {median:>5.0f} ms "
            f"{percentile(values, 0.99) * 1000:>5.0f} ms {max(values, default=0) * 1000:>5.0f} ms "
            f"{r['lost']:>5}  {verdict(r)}"
        )
    return "\n".join(lines)


def details(r: dict) -> str:
    rounds = ", ".join(
        f"{statistics.median(v) * 1000:.0f}/{max(v) * 1000:.0f}" if v else "-"
        for v in r["per_round"].values()
    )
    return (
        f"{r['processes']} server process(es), {r['clients']} clients over {r['client_procs']} "
        f"client process(es): {r['open']} open ({r['joined']} joined in "
        f"{r['connect_seconds']:.1f} s, {r['connect_cpu_ms']:.0f} ms of server CPU each"
        + (f", errors {r['connect_errors']}" if r["connect_errors"] else "")
        + f"); hello {r['hello_bytes'] / 1024:.1f} KB; server RSS MB {r['rss_mb']} -> "
        f"{r['rss_after_mb']}; load average {r['load'][0]:.1f} -> {r['load'][1]:.1f}; in Redis: "
        f"group {r['members'][0][0]} -> {r['members'][1][0]}, viewers {r['members'][0][1]} -> "
        f"{r['members'][1][1]}\n"
        f"    per round, median/max ms: {rounds}; all delivered "
        f"{', '.join(f'{w:.2f}' for w in r['round_wall'])} s after the POST started; the POST "
        f"took {', '.join(f'{m:.0f}' for m in r['post_ms'])} ms (HTTP "
        f"{', '.join(str(s) for s in sorted(set(r['statuses'])))})\n"
        f"    CPU during the {ROUNDS} rounds: servers "
        f"{', '.join(f'{c:.1f}' for c in r['cpu_servers'])} s, clients {r['cpu_clients']:.1f} s; "
        f"out of order or gaps {r['disordered']}, closed early {r['closed_early']}"
        + (f", late {r['late']}, missed by {r['missed_by']}" if r["missed_by"] else "")
        + (f", client reader errors {r['reader_errors']}" if r["reader_errors"] else "")
        + (f", other frames {r['others']}" if r["others"] else "")
    )


# --- main ----------------------------------------------------------------------------------


def _alarm(signum, frame):
    raise TimeoutError(f"the benchmark ran over {DEADLINE} s")


def main() -> None:
    began = time.monotonic()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the servers inherit it
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(DEADLINE)
    prefix = f"bench-live-{uuid.uuid4().hex[:12]}"
    scratch = tempfile.TemporaryDirectory(prefix="confman-bench-live-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "confman.settings",
        "DATABASE_URL": database_url(DATABASE),
        "DATABASE_POOL_SIZE": os.environ.get("BENCH_POOL_SIZE", "20"),
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": prefix,
        "DEBUG": os.environ.get("BENCH_DEBUG", "true"),  # static files from the finders
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONFMAN_VAR_DIR": scratch.name,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.pop("DATABASE_CONN_MAX_AGE", None)
    results = []
    try:
        recreate_database()
        seeded = seed(env, scratch.name)
        print(
            f"PostgreSQL + Redis (prefix {prefix}); uvicorn {APP} {' '.join(EXTRA_ARGS)} "
            f"(--ws {WS_IMPL or 'auto'}), "
            f"fd limit {resource.getrlimit(resource.RLIMIT_NOFILE)[0]}; demo event "
            f"{seeded['slug']}, delaying “{seeded['title']}” ({seeded['status']}), "
            f"{ROUNDS} rounds {PAUSE:.0f} s apart",
            flush=True,
        )
        for processes in PROCESS_COUNTS:
            run(env, seeded, processes, results)
    finally:
        signal.alarm(0)
        try:
            drop_database()
        finally:
            deleted = delete_redis_keys(prefix)
            scratch.cleanup()
            if results:
                report(results, deleted, time.monotonic() - began)


def report(results: list[dict], deleted: int, seconds: float) -> None:
    print()
    print(table(results))
    print("Targets (2 cores): 1000 clients p99 < 500 ms; 5000 clients all delivered, p99 < 2 s.")
    print(ANCHOR)
    print(
        f"Latency: client receipt (time.time() when recv() returns) - update.created_at, over "
        f"{ROUNDS} updates x clients; lost: not received within {TIMEOUT:.0f} s. Clients share "
        f"the 2 cores with the servers. Redis keys of the run's prefix deleted at the end: "
        f"{deleted}. Run time {seconds:.0f} s."
    )


if __name__ == "__main__":
    main()

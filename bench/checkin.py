"""Check-in at the door under load: 4 devices scanning badges against the running ASGI server.

Run from the repository root: `.venv/bin/python bench/checkin.py` (or `make bench-checkin`).
Two runs, each in a scratch database that it creates and removes afterwards:

1. PostgreSQL (`confman_bench_checkin` on BENCH_POSTGRES_URL, default
   postgres://postgres@127.0.0.1:5432/postgres), uvicorn with 2 worker processes;
2. SQLite (a file in a temporary directory), uvicorn with 1 worker process.

Each seeds an event happening today with 6000 confirmed in-person registrations (bulk_create,
each with its badge code), a check-in user and an API token, starts the server, then runs two
rounds of 4 client threads, one per device, each POSTing /api/events/{slug}/checkins for its
quarter of the round's badges, each scan with its own nonce. Every tenth scan of a device is a
repeat of the badge that the next device scans at the same moment, so a tenth of the scans race
another device for the same badge (one of the two must answer already_checked_in).

1. Flat out, over 5000 badges: each device sends its next scan the moment it has an answer. On
   this 2-core machine the four devices, the server and the database then share the CPUs, so
   a scan's time in the server is mostly its wait for a CPU: it is a stress test (a real desk
   scans one badge every few seconds), and its latency follows the CPU each scan costs.
2. Paced, over 1000 badges (BENCH_PACED_BADGES): each device starts a scan every 100 ms
   (BENCH_PACE_MS), out of step with the others, 40 scans a second in all: a door far busier
   than any real one, with the CPUs no longer saturated.

For each round it prints scans per second; the server's CPU time per scan (read from /proc, the
figure least moved by other work on the machine); the latency at the client, on loopback (an
upper bound on the server's time, with the HTTP round trip and the client's own work); and the
server's time, measured inside the ASGI application (a Server-Timing header added by the wrapper
`timed_application` below, for this benchmark only). It fails unless each round admits every
badge exactly once and no answer is a 5xx. Target (issue 5): p99 under 50 ms at the server.
BENCH_DATABASES=postgresql (or sqlite) runs one database only.

Only 127.0.0.1; bounded: a fixed list of scans per device, HTTP timeouts, a server started and
stopped here."""

import gzip
import http.client
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = "confman_bench_checkin"
PORT = int(os.environ.get("BENCH_PORT", "8766"))
SLUG = "bench-checkin"
BADGES = 5000
DEVICES = int(os.environ.get("BENCH_DEVICES", "4"))
REPEAT_EVERY = 10  # every tenth scan of a device repeats the next device's current badge
# The second round: each device scans at a steady pace instead of as fast as it can.
PACED_BADGES = int(os.environ.get("BENCH_PACED_BADGES", "1000"))
PACE_SECONDS = float(os.environ.get("BENCH_PACE_MS", "100")) / 1000
POSTGRES_WORKERS = int(os.environ.get("BENCH_POSTGRES_WORKERS", "2"))
GATES = ("North", "South", "East", "West")
TARGET_P99_MS = 50


# --- the server side: Django wrapped to report its own time ---------------------------------


def _timed(app):
    """The ASGI app, adding `Server-Timing: app;dur=<ms>`: the time from the request reaching
    the application to its response starting (Django, the token check, the database)."""

    async def timed(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        started = time.perf_counter()

        async def send_timed(message):
            if message["type"] == "http.response.start":
                took = (time.perf_counter() - started) * 1000
                headers = [*message.get("headers", []), (b"server-timing", b"app;dur=%.3f" % took)]
                message = {**message, "headers": headers}
            await send(message)

        return await app(scope, receive, send_timed)

    return timed


def __getattr__(name: str):
    # uvicorn imports "bench.checkin:timed_application" in each worker; Django is set up only
    # there, never in the process that drives the benchmark.
    if name == "timed_application":
        from confman.asgi import application

        return _timed(application)
    raise AttributeError(name)


# --- seeding ---------------------------------------------------------------------------------

SEED = """
import json, sys
import django
django.setup()
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from events.models import TeamMember
from events.services import api_token_create
from events.timezones import local_today
from registrations.services.tickets import ticket_create
from events.models import AttendanceMode
from registrations.models import Registration, State, new_badge_secret, new_reference
from tests.factories import EventFactory

call_command("migrate", verbosity=0)
today = local_today("Asia/Shanghai")
event = EventFactory(slug=%(slug)r, title="Check-in benchmark", start_date=today, end_date=today)
ticket = ticket_create(event=event, by=None, name="Delegate", modes="in_person")
now = timezone.now()
references = set()
while len(references) < %(badges)d:
    references.add(new_reference())
people = [
    Registration(
        event=event, ticket=ticket, reference=reference, badge_secret=new_badge_secret(),
        state=State.CONFIRMED, mode=AttendanceMode.IN_PERSON, name=f"Delegate {n:04d}",
        email=f"delegate{n:04d}@example.org", country="KE", consent_at=now,
        consent_version="bench",
    )
    for n, reference in enumerate(sorted(references))
]
Registration.objects.bulk_create(people, batch_size=1000)
desk = User.objects.create_user("bench-desk")
TeamMember.objects.create(event=event, user=desk, role=TeamMember.Role.CHECKIN)
token = api_token_create(user=desk, name="bench")[1]
secrets = list(Registration.objects.filter(event=event).values_list("badge_secret", flat=True))
with open(sys.argv[1], "w") as out:
    json.dump({"token": token, "secrets": secrets}, out)
"""


def seed(env: dict, scratch: str) -> dict:
    path = Path(scratch) / "seed.json"
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", SEED % {"slug": SLUG, "badges": BADGES + PACED_BADGES}, str(path)],
        env=env,
        cwd=ROOT,
        check=True,
    )
    seeded = json.loads(path.read_text())
    seeded["seconds"] = time.perf_counter() - started
    return seeded


# --- the devices -----------------------------------------------------------------------------


def device_scans(secrets: list[str]) -> list[list[str]]:
    """Each device's badges in order: its own quarter, and every REPEAT_EVERY-th scan the badge
    that the next device scans at about the same moment."""
    share = math.ceil(len(secrets) / DEVICES)
    own = [secrets[d * share : (d + 1) * share] for d in range(DEVICES)]
    plans = []
    for d in range(DEVICES):
        neighbour = own[(d + 1) % DEVICES]
        plan = []
        for i, secret in enumerate(own[d]):
            plan.append(secret)
            if i % REPEAT_EVERY == REPEAT_EVERY - 1 and i < len(neighbour):
                plan.append(neighbour[i])
        plans.append(plan)
    return plans


def _server_ms(response: http.client.HTTPResponse) -> float | None:
    header = response.getheader("Server-Timing") or ""
    _, _, duration = header.partition("dur=")
    try:
        return float(duration)
    except ValueError:
        return None


def run_devices(token: str, plans: list[list[str]], pace: float | None = None) -> dict:
    """Each device sends its scans one after the other on its own connection: as fast as the
    answers come (pace None), or starting one every `pace` seconds (later if the answer to the
    previous one took longer), the devices a fraction of a period apart."""
    barrier = threading.Barrier(len(plans))
    lock = threading.Lock()
    client_ms: list[float] = []
    server_ms: list[float] = []
    answers: dict[str, int] = {}
    statuses: dict[int, int] = {}
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def device(number: int, plan: list[str]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine_client, mine_server, mine_answers, mine_statuses = [], [], {}, {}
        barrier.wait()
        # Paced devices keep out of step with each other, as real ones are: device d starts a
        # d-th of a period after device 0.
        begun = time.perf_counter() + (pace or 0) * number / len(plans)
        for n, secret in enumerate(plan):
            if pace is not None:
                time.sleep(max(0.0, begun + n * pace - time.perf_counter()))
            body = json.dumps(
                {
                    "secret": secret,
                    "device": f"bench-{number}",
                    "gate": GATES[number % len(GATES)],
                    "type": "entry",
                    "nonce": uuid.uuid4().hex,
                }
            )
            started = time.perf_counter()
            connection.request("POST", f"/api/events/{SLUG}/checkins", body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            mine_client.append((time.perf_counter() - started) * 1000)
            took = _server_ms(response)
            if took is not None:
                mine_server.append(took)
            mine_statuses[response.status] = mine_statuses.get(response.status, 0) + 1
            try:
                answer = json.loads(payload)
                key = answer.get("reason") or answer.get("status") or answer.get("code")
            except ValueError:
                key = None
            key = str(key or f"HTTP {response.status}")
            mine_answers[key] = mine_answers.get(key, 0) + 1
        connection.close()
        with lock:
            client_ms.extend(mine_client)
            server_ms.extend(mine_server)
            for key, n in mine_answers.items():
                answers[key] = answers.get(key, 0) + n
            for key, n in mine_statuses.items():
                statuses[key] = statuses.get(key, 0) + n

    threads = [threading.Thread(target=device, args=(n, plan)) for n, plan in enumerate(plans)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "wall": time.perf_counter() - started,
        "client_ms": client_ms,
        "server_ms": server_ms,
        "answers": answers,
        "statuses": statuses,
    }


def get(path: str, token: str) -> tuple[int, dict, float]:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    body = response.read()
    took = (time.perf_counter() - started) * 1000
    connection.close()
    return response.status, json.loads(body or b"{}"), took


def offline_list(token: str, rounds: int = 5) -> dict:
    """The desks' offline list (GET checkin-list), gzipped as a desk asks for it: the median of
    `rounds` downloads, and its size on the wire and unpacked."""
    took, wire, size = [], 0, 0
    for _ in range(rounds):
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        started = time.perf_counter()
        connection.request(
            "GET",
            f"/api/events/{SLUG}/checkin-list",
            headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"},
        )
        response = connection.getresponse()
        body = response.read()
        took.append((time.perf_counter() - started) * 1000)
        connection.close()
        wire = len(body)
        gzipped = response.getheader("Content-Encoding") == "gzip"
        size = len(gzip.decompress(body) if gzipped else body)
    return {"status": response.status, "ms": statistics.median(took), "wire": wire, "size": size}


def warm_up(token: str) -> None:
    """Each worker imports, connects to the database and reads the token once before the
    clock runs: a few reads over new connections, which the workers share out between them."""
    for _ in range(8 * DEVICES):
        get(f"/api/events/{SLUG}/checkins/stats", token)


# --- running ---------------------------------------------------------------------------------


def wait_for_server(server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped while starting")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def start_server(env: dict, workers: int) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.checkin:timed_application",
            "--host",
            "127.0.0.1",
            "--port",
            str(PORT),
            "--workers",
            str(workers),
            "--no-access-log",
            "--lifespan",
            "off",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its descendants (the uvicorn workers), from
    /proc; 0 where there is no /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        pending.extend(int(child) for child in children)
    return total


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def describe(values: list[float]) -> str:
    if not values:
        return "not measured"
    return (
        f"median {statistics.median(values):.1f} ms, p95 {percentile(values, 0.95):.1f}, "
        f"p99 {percentile(values, 0.99):.1f}, max {max(values):.1f}"
    )


def run_round(server: subprocess.Popen, token: str, secrets: list[str], pace=None) -> dict:
    plans = device_scans(secrets)
    cpu_before = cpu_seconds(server.pid)
    result = run_devices(token, plans, pace)
    result["cpu"] = cpu_seconds(server.pid) - cpu_before
    result["badges"] = len(secrets)
    result["scans"] = sum(len(plan) for plan in plans)
    result["devices"] = len(plans)
    return result


def report(heading: str, result: dict) -> bool:
    """Print one round; True when exactly one ok per badge, the rest already_checked_in, no
    5xx."""
    scans, answers = result["scans"], result["answers"]
    repeats = scans - result["badges"]
    ok, already = answers.get("ok", 0), answers.get("already_checked_in", 0)
    other = {key: n for key, n in answers.items() if key not in ("ok", "already_checked_in")}
    errors = sum(n for code, n in result["statuses"].items() if code >= 500)
    p99 = percentile(result["server_ms"], 0.99) if result["server_ms"] else math.inf
    print(f"  {heading}")
    print(
        f"    {result['devices']} devices, {result['badges']} badges, {scans} scans ({repeats} "
        f"repeats of the badge another device scans next) in {result['wall']:.2f} s: "
        f"{scans / result['wall']:.0f} scans/s"
    )
    print(
        f"    server CPU (user + system, all its processes): {result['cpu'] / scans * 1000:.2f} "
        "ms per scan (steadier than latency on a busy machine)"
    )
    print(f"    latency at the client (loopback; an upper bound): {describe(result['client_ms'])}")
    print(f"    time in the server (Server-Timing):               {describe(result['server_ms'])}")
    print(f"    answers: ok {ok}, already_checked_in {already}, other {other or 0}; 5xx: {errors}")
    verdict = "met" if p99 < TARGET_P99_MS else "NOT met"
    print(f"    target p99 under {TARGET_P99_MS} ms at the server: {verdict}")
    passed = ok == result["badges"] and already == repeats and not other and not errors
    if not passed:
        print(f"    FAILED: expected exactly {result['badges']} ok, {repeats} already, no 5xx")
    return passed


def bench(title: str, env: dict, workers: int, scratch: str) -> bool:
    load_before = os.getloadavg()[0]
    seeded = seed(env, scratch)
    flat_out, paced = seeded["secrets"][:BADGES], seeded["secrets"][BADGES:]
    server = start_server(env, workers)
    try:
        wait_for_server(server)
        warm_up(seeded["token"])
        first = run_round(server, seeded["token"], flat_out)
        second = run_round(server, seeded["token"], paced, PACE_SECONDS)
        status, stats, stats_ms = get(f"/api/events/{SLUG}/checkins/stats", seeded["token"])
        listed = offline_list(seeded["token"])
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    print(title)
    print(
        f"  this machine: {os.cpu_count()} CPUs, load average {load_before:.1f} before the run "
        f"and {os.getloadavg()[0]:.1f} after (other work on the machine slows the figures)"
    )
    print(f"  {len(seeded['secrets'])} badges seeded in {seeded['seconds']:.1f} s")
    passed = report(
        "1. flat out: each device sends its next scan as soon as it has an answer", first
    )
    passed = (
        report(
            f"2. paced: each device starts a scan every {PACE_SECONDS * 1000:.0f} ms "
            f"({first['devices'] / PACE_SECONDS:.0f} scans/s in all)",
            second,
        )
        and passed
    )
    print(
        f"  then GET checkins/stats: HTTP {status} in {stats_ms:.0f} ms, "
        f"checked_in {stats.get('checked_in')} of {stats.get('expected')} expected"
    )
    print(
        f"  then GET checkin-list (the desks' offline list, gzip): HTTP {listed['status']}, "
        f"median {listed['ms']:.0f} ms of 5, {listed['wire'] / 1024:.0f} KB on the wire, "
        f"{listed['size'] / 1024:.0f} KB unpacked"
    )
    if stats.get("checked_in") != len(seeded["secrets"]):
        print(f"  FAILED: expected {len(seeded['secrets'])} checked in")
        passed = False
    return passed


def base_env(scratch: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "confman.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CONFMAN_VAR_DIR": scratch,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        # Thousands of scans a second from one desk account: the capacity, not the limit
        # (BENCH_THROTTLE_CHECKINS=1000000/min measures what counting the scans costs).
        "THROTTLE_CHECKINS": os.environ.get("BENCH_THROTTLE_CHECKINS", "off"),
    }
    for name in ("REDIS_URL", "DATABASE_URL", "DATABASE_POOL_SIZE", "DATABASE_CONN_MAX_AGE"):
        env.pop(name, None)
    return env


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(SERVER)._replace(path=f"/{name}"))


def postgres_run() -> bool | None:
    """None when there is no PostgreSQL to run on."""
    import psycopg

    try:
        admin = psycopg.connect(SERVER, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL: skipped, {SERVER} cannot be reached ({exc})".strip())
        return None
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
        version = admin.execute("SHOW server_version").fetchone()[0]
    try:
        with tempfile.TemporaryDirectory(prefix="confman-bench-") as scratch:
            env = base_env(scratch)
            env["DATABASE_URL"] = database_url(DATABASE)
            env["DATABASE_POOL_SIZE"] = "4"
            return bench(
                f"PostgreSQL {version}; uvicorn, {POSTGRES_WORKERS} worker processes, "
                f"on 127.0.0.1:{PORT}",
                env,
                POSTGRES_WORKERS,
                scratch,
            )
    finally:
        with psycopg.connect(SERVER, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def sqlite_run() -> bool:
    with tempfile.TemporaryDirectory(prefix="confman-bench-") as scratch:
        env = base_env(scratch)
        env["DATABASE_URL"] = f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"
        return bench(
            f"SQLite (WAL); uvicorn, 1 worker process, on 127.0.0.1:{PORT}", env, 1, scratch
        )


def main() -> None:
    # BENCH_DATABASES=postgresql or =sqlite runs only that one (for comparing two versions).
    wanted = os.environ.get("BENCH_DATABASES", "postgresql,sqlite").split(",")
    results = []
    if "postgresql" in wanted:
        results.append(postgres_run())
        print()
    if "sqlite" in wanted:
        results.append(sqlite_run())
    if any(result is False for result in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""Registrations under load, against the running ASGI server on PostgreSQL.

Run from the repository root: `.venv/bin/python bench/registration.py`. It creates a scratch
PostgreSQL database (`confman_bench`, dropped first; BENCH_POSTGRES_URL names the server,
default postgres://postgres@127.0.0.1:5432/postgres), migrates it, creates an event with a
1000-seat free ticket and a 10-seat one, starts uvicorn (WORKERS processes) on it, then:

1. 200 concurrent clients register for the 1000-seat ticket (CLIENTS_PER_ROUND each);
2. 200 concurrent clients race for the 10 seats (waitlist false: 10 confirmed, 190 sold out).

It prints registrations per second and per minute, latency median and p99, the confirmed count
and how many seats were oversold (must be 0). Anchor: pretix documented 300-400 tickets per
minute per event with its old event-wide lock; the aim here is over 3000 per minute."""

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = "confman_bench"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CLIENTS = 200
PER_CLIENT = 5  # registrations per client in round 1 (1000 seats)


def database_url(name: str) -> str:
    parts = urlsplit(SERVER)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def prepare(env: dict) -> dict:
    """Migrate and create the event; returns the two tickets' ids."""
    script = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.factories import EventFactory
from registrations.services.tickets import ticket_create
event = EventFactory(slug="bench", title="Benchmark Conference")
big = ticket_create(event=event, by=None, name="Big", modes="online", quota=1000)
last = ticket_create(event=event, by=None, name="Last seats", modes="online", quota=10)
print(json.dumps({"big": big.pk, "last": last.pk}))
"""
    out = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def wait_for_server(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status in (200, 503):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def run_round(ticket: int, clients: int, per_client: int, waitlist: bool) -> dict:
    barrier = threading.Barrier(clients)
    timings: list[float] = []
    answers: dict[str, int] = {}
    lock = threading.Lock()

    def client(n: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        barrier.wait()
        for k in range(per_client):
            body = json.dumps(
                {
                    "ticket_id": ticket,
                    "mode": "online",
                    "name": f"Client {n}-{k}",
                    "email": f"c{n}-{k}-{ticket}@example.org",
                    "country": "KE",
                    "consent": True,
                    "waitlist": waitlist,
                }
            )
            started = time.perf_counter()
            connection.request(
                "POST",
                "/api/events/bench/registrations",
                body=body,
                headers={"Content-Type": "application/json"},
            )
            response = connection.getresponse()
            payload = json.loads(response.read() or b"{}")
            elapsed = time.perf_counter() - started
            key = payload.get("state") or payload.get("code") or str(response.status)
            with lock:
                timings.append(elapsed)
                answers[key] = answers.get(key, 0) + 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"wall": wall, "timings": timings, "answers": answers}


def report(title: str, result: dict, seats: int) -> None:
    timings = sorted(result["timings"])
    count = len(timings)
    confirmed = result["answers"].get("confirmed", 0)
    rate = count / result["wall"]
    p99 = timings[min(count - 1, int(count * 0.99))]
    print(f"{title}")
    print(
        f"  {count} requests in {result['wall']:.2f} s: {rate:.0f}/s, {rate * 60:.0f}/min; "
        f"latency median {statistics.median(timings) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
    )
    print(f"  answers: {result['answers']}")
    print(f"  confirmed {confirmed} of {seats} seats; oversold {max(0, confirmed - seats)}")


def main() -> None:
    recreate_database()
    scratch = tempfile.TemporaryDirectory(prefix="confman-bench-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "confman.settings",
        "DATABASE_URL": database_url(DATABASE),
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CONFMAN_VAR_DIR": scratch.name,
        "LOG_LEVEL": "WARNING",
        "DATABASE_POOL_SIZE": os.environ.get("BENCH_POOL_SIZE", "20"),
        "PYTHONPATH": str(ROOT),
        # 200 clients on one address: the capacity behind the rate limit, not the limit.
        "THROTTLE_REGISTRATIONS": "off",
    }
    env.pop("REDIS_URL", None)
    tickets = prepare(env)
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        [
            sys.executable,
            "-m",
            "uvicorn",
            "confman.asgi:application",
            "--port",
            str(PORT),
            "--workers",
            str(WORKERS),
            "--no-access-log",
            "--lifespan",
            "off",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        wait_for_server()
        print(
            f"PostgreSQL; uvicorn with {WORKERS} worker process(es) on 127.0.0.1:{PORT}; "
            f"{CLIENTS} concurrent clients"
        )
        first = run_round(tickets["big"], CLIENTS, PER_CLIENT, waitlist=True)
        report(
            f"1. {CLIENTS} clients x {PER_CLIENT} registrations for a 1000-seat free ticket",
            first,
            1000,
        )
        second = run_round(tickets["last"], CLIENTS, 1, waitlist=False)
        report(f"2. {CLIENTS} clients for the last 10 seats (no waiting list)", second, 10)
    finally:
        server.terminate()
        server.wait(timeout=20)
        scratch.cleanup()


if __name__ == "__main__":
    main()

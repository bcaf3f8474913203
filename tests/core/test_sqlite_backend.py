"""The sqlite_pool fast path: SQLite connections kept between requests, and writers of one
process queueing on a lock instead of in SQLite's busy handler; what is written and read is what
Django's own backend gives. Each test opens its own database file, whatever database the suite
runs on."""

import threading
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connections, transaction
from django.db.utils import load_backend

from confman.core.fastpaths.sqlite import base as pooled

POOLED = "confman.core.fastpaths.sqlite"
DJANGO = "django.db.backends.sqlite3"


def wrapper(path, alias="sqlite-test", timeout=5, engine=POOLED):
    settings = {
        "ENGINE": engine,
        "NAME": str(path),
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": timeout,
        },
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
    return load_backend(engine).DatabaseWrapper(settings, alias)


@pytest.fixture
def database(tmp_path, django_db_blocker):
    """A database file of the test's own (pytest-django's blocker guards only the suite's)."""
    path = tmp_path / "pool.sqlite3"
    with django_db_blocker.unblock():
        yield from _database(path)


def _database(path):
    setup = wrapper(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    setup.close()
    yield path
    pooled.close_idle(str(path))


def test_a_closed_connection_is_kept_and_taken_again(database):
    first = wrapper(database)
    first.ensure_connection()
    kept = first.connection
    first.close()

    second = wrapper(database)
    second.ensure_connection()

    assert second.connection is kept
    with second.cursor() as cursor:  # it still works, with foreign keys on
        assert cursor.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert cursor.execute("SELECT count(*) FROM item").fetchone() == (0,)
    second.close()


def test_a_transaction_left_open_is_rolled_back_before_the_connection_is_kept(database):
    first = wrapper(database)
    with first.cursor() as cursor:
        cursor.execute("BEGIN")
        cursor.execute("INSERT INTO item (name) VALUES ('left open')")
    first.close()

    second = wrapper(database)
    second.ensure_connection()
    assert not second.connection.in_transaction
    with second.cursor() as cursor:
        assert cursor.execute("SELECT count(*) FROM item").fetchone() == (0,)
    second.close()


def test_a_connection_that_had_an_error_is_closed_not_kept(database):
    first = wrapper(database)
    first.ensure_connection()
    broken = first.connection
    first.errors_occurred = True
    first.close()

    second = wrapper(database)
    second.ensure_connection()

    assert second.connection is not broken
    second.close()


def test_at_most_pool_size_idle_connections_are_kept(database):
    wrappers = [wrapper(database) for _ in range(pooled.POOL_SIZE + 3)]
    for each in wrappers:
        each.ensure_connection()
    for each in wrappers:
        each.close()

    assert pooled.close_idle(str(database)) == pooled.POOL_SIZE


def test_a_second_writer_waits_for_the_first_to_commit_before_it_begins(database):
    """The second transaction's BEGIN reaches SQLite only after the first one committed: it
    waited on the process's lock, not in SQLite's busy handler."""
    statements: list[str] = []
    first_inside, first_may_commit = threading.Event(), threading.Event()

    def first_writer():
        connection = wrapper(database, alias="first")
        with connection.cursor():
            pass
        connection.connection.set_trace_callback(lambda sql: statements.append(f"first {sql}"))
        with _atomic(connection):
            connection.cursor().execute("INSERT INTO item (name) VALUES ('first')")
            first_inside.set()
            first_may_commit.wait(10)
        statements.append("first committed")
        connection.close()

    def second_writer():
        connection = wrapper(database, alias="second")
        with connection.cursor():
            pass
        connection.connection.set_trace_callback(lambda sql: statements.append(f"second {sql}"))
        first_inside.wait(10)
        with _atomic(connection):
            connection.cursor().execute("INSERT INTO item (name) VALUES ('second')")
        connection.close()

    threads = [threading.Thread(target=first_writer), threading.Thread(target=second_writer)]
    for thread in threads:
        thread.start()
    first_inside.wait(10)
    # The second writer is now blocked before its BEGIN; let the first one finish.
    threading.Timer(0.2, first_may_commit.set).start()
    for thread in threads:
        thread.join(20)

    begins = [n for n, sql in enumerate(statements) if sql == "second BEGIN IMMEDIATE"]
    assert len(begins) == 1
    assert begins[0] > statements.index("first committed")
    check = wrapper(database)
    with check.cursor() as cursor:
        assert cursor.execute("SELECT name FROM item ORDER BY id").fetchall() == [
            ("first",),
            ("second",),
        ]
    check.close()


def test_a_writer_that_waits_longer_than_the_timeout_gets_database_is_locked(database):
    holder_inside, release = threading.Event(), threading.Event()

    def holder():
        connection = wrapper(database, alias="holder")
        with _atomic(connection):
            connection.cursor().execute("INSERT INTO item (name) VALUES ('held')")
            holder_inside.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    holder_inside.wait(10)
    waiting = wrapper(database, alias="waiting", timeout=0.1)
    try:
        with pytest.raises(OperationalError, match="database is locked"), _atomic(waiting):
            waiting.cursor().execute("INSERT INTO item (name) VALUES ('late')")
    finally:
        release.set()
        thread.join(10)
        waiting.close()
    # The refused writer left the lock as it found it: the next one goes through.
    after = wrapper(database, alias="after")
    with _atomic(after):
        after.cursor().execute("INSERT INTO item (name) VALUES ('after')")
    with after.cursor() as cursor:
        assert cursor.execute("SELECT name FROM item ORDER BY id").fetchall() == [
            ("held",),
            ("after",),
        ]
    after.close()


@contextmanager
def _atomic(connection):
    """transaction.atomic on a connection of its own: registered under its alias in this
    thread (Django's connections are per thread) for the block."""
    connections[connection.alias] = connection
    try:
        with transaction.atomic(using=connection.alias):
            yield
    finally:
        del connections[connection.alias]


def _session(path, engine) -> list:
    """Writes committed, one rolled back, a read in a transaction, over three connections
    opened and closed one after the other: what a few requests do."""
    seen = []
    for step in range(3):
        connection = wrapper(path, alias=f"{engine}-{step}", engine=engine)
        connections[connection.alias] = connection  # for transaction.atomic(using=...)
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("INSERT INTO item (name) VALUES (%s)", [f"kept {step}"])
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute("INSERT INTO item (name) VALUES ('rolled back')")
                raise RuntimeError
        except RuntimeError:
            pass
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys")
            seen.append(cursor.fetchone())
            cursor.execute("SELECT name FROM item ORDER BY id")
            seen.append(cursor.fetchall())
        connection.close()
        del connections[connection.alias]
    return seen


def test_writes_and_reads_match_djangos_own_backend(tmp_path, django_db_blocker):
    ours, theirs = tmp_path / "ours.sqlite3", tmp_path / "theirs.sqlite3"
    with django_db_blocker.unblock():
        results = {}
        for path, engine in ((ours, POOLED), (theirs, DJANGO)):
            for _ in _database(path):
                results[engine] = _session(path, engine)

    assert results[POOLED] == results[DJANGO]
    assert results[POOLED][-1] == [("kept 0",), ("kept 1",), ("kept 2",)]

"""Backups as docs/backups.md takes them: `pg_dump --format=custom` of the database, restored with
`pg_restore` into a fresh one, holds every registration, payment and check-in as they were."""

import shutil
import subprocess
from decimal import Decimal

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from registrations.models import CheckIn, Payment, Registration
from tests.factories import EventFactory
from tests.factories.registrations import registered, ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgresql_only")]

TABLES = {
    "registrations_registration": "id, reference, email, state",
    "registrations_payment": "id, registration_id, amount, currency, status",
    "registrations_checkin": "id, registration_id, type, result, scanned_at",
}


def _rows(dsn: str) -> dict[str, list[tuple]]:
    with psycopg.connect(dsn) as db:
        return {
            table: db.execute(f"SELECT {columns} FROM {table} ORDER BY id").fetchall()  # noqa: S608
            for table, columns in TABLES.items()
        }


def _dsn(name: str) -> str:
    settings = connection.settings_dict
    parts = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or "5432",
        "user": settings["USER"],
        "dbname": name,
    }
    if settings["PASSWORD"]:
        parts["password"] = settings["PASSWORD"]
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


@pytest.fixture
def the_event():
    event = EventFactory(slug="backed-up")
    paid, free = ticket(event, price=Decimal("120.00")), ticket(event)
    people = [registered(free, email=f"p{n}@example.org") for n in range(5)]
    payer = registered(paid, email="payer@example.org")
    Payment.objects.create(
        registration=payer,
        checkout_session_id="cs_test_backup",
        amount=Decimal("120.00"),
        currency="EUR",
        status=Payment.Status.PAID,
        paid_at=timezone.now(),
    )
    for person in people[:3]:
        CheckIn.objects.create(
            event=event,
            registration=person,
            type="entry",
            result="ok",
            device="gate-1",
            scanned_at=timezone.now(),
        )
    return event


def test_a_dump_restored_into_a_fresh_database_holds_everything(the_event, tmp_path):
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if not (pg_dump and pg_restore):
        pytest.skip("needs PostgreSQL's client tools (pg_dump, pg_restore)")
    source = connection.settings_dict["NAME"]
    fresh = f"{source}_restored"
    dump = tmp_path / "confman.dump"
    before = _rows(_dsn(source))
    assert [len(before[t]) for t in TABLES] == [6, 1, 3]
    assert Registration.objects.count() == 6

    subprocess.run(  # noqa: S603 (the documented command)
        [pg_dump, "--format=custom", "--no-owner", f"--file={dump}", f"--dbname={_dsn(source)}"],
        check=True,
        timeout=120,
    )
    with psycopg.connect(_dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        subprocess.run(  # noqa: S603 (the documented command)
            [pg_restore, "--no-owner", "--exit-on-error", f"--dbname={_dsn(fresh)}", str(dump)],
            check=True,
            timeout=120,
        )
        after = _rows(_dsn(fresh))
    finally:
        with psycopg.connect(_dsn("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')

    assert after == before

"""Certificates of attendance: 5000 rendered into one PDF (A4 landscape, a page each; the
fonts read once), names mixing Latin, Chinese, Cyrillic and Arabic, each page with its own QR
code of its verification address. Target: under 30 s on a 2-core machine.

Run from the repository root: `.venv/bin/python bench/certificates.py`. It times the pages'
words (one query per kind for all of them, translations per page) apart from the drawing, and
prints the ratio to the target."""

import os
import random
import time

from harness import setup_django

CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "5000"))
TARGET_SECONDS = 30

LATIN = ["Amina", "Bruno", "Carla", "David", "Émile", "Fatima", "Giorgos", "Hana", "Ivan", "Juan"]
SURNAMES = ["Yusuf", "Okafor", "Nguyen", "Hernández-Villanueva", "Smith", "Rossi", "Kowalski"]
CHINESE = ["王小明", "李华", "張偉", "陈静怡", "刘洋", "黄志强", "周杰", "吴晓燕", "赵敏", "孙立"]
CYRILLIC = ["Александра Иванова", "Дмитрий Соколов", "Ольга Петрова", "Сергей Кузнецов"]
ARABIC = ["محمد الهاشمي", "فاطمة الزهراء", "أحمد بن علي", "ليلى عبد الله"]


def name(n: int) -> str:
    kind = n % 10
    if kind < 6:
        return f"{random.choice(LATIN)} {random.choice(SURNAMES)}"
    if kind < 8:
        return random.choice(CHINESE)
    return random.choice(CYRILLIC if kind == 8 else ARABIC)


def seed():
    import datetime as dt

    from django.utils import timezone

    from events.models import AttendanceMode
    from registrations.models import Certificate, CertificateSettings, Registration, State
    from tests.factories import EventFactory
    from tests.factories.registrations import TicketTypeFactory

    random.seed(19)
    start = timezone.now().date() - dt.timedelta(days=10)
    event = EventFactory(
        slug="bench-certificates",
        title="International Policy Dialogue on Digital Education",
        start_date=start,
        end_date=start + dt.timedelta(days=2),
        languages=["en", "fr"],
    )
    CertificateSettings.objects.create(
        event=event, signatories="Li Wei, Director\nMaria Rossi, Head of Programme"
    )
    ticket = TicketTypeFactory(event=event, name="Delegate", modes="either")
    now = timezone.now()
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            ticket=ticket,
            state=State.CONFIRMED,
            mode=AttendanceMode.ONLINE if n % 3 == 0 else AttendanceMode.IN_PERSON,
            name=name(n),
            email=f"p{n}@example.org",
            country="KE",
            language=random.choice(["en", "fr", ""]),
            consent_at=now,
            consent_version="v1",
        )
        for n in range(CERTIFICATES)
    )
    Certificate.objects.bulk_create(
        Certificate(registration=r, online=r.mode == "online", minutes=185, sessions_attended=0)
        for r in registrations
    )
    return event


def main() -> None:
    scratch = setup_django()  # noqa: F841 - kept alive for the run
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from registrations.certificates.content import Writer, certificates_for_pdf
    from registrations.certificates.pdf import render
    from registrations.certificates.selectors import statements

    event = seed()
    started = time.perf_counter()
    certificates = list(certificates_for_pdf(event))
    writer = Writer(event)
    found = statements(certificates)
    pages = [writer.page(c, found.get(c.pk)) for c in certificates]
    words = time.perf_counter() - started
    started = time.perf_counter()
    pdf = render(pages, title="Certificates")
    drawing = time.perf_counter() - started
    total = words + drawing
    print(f"certificates: {len(pages)}")
    print(f"words (queries and translations): {words:.1f} s")
    print(f"drawing (one PDF): {drawing:.1f} s, {len(pdf) / 2**20:.1f} MiB")
    print(f"per certificate: {total / len(pages) * 1000:.2f} ms")
    print(
        f"total: {total:.1f} s; ratio to the {TARGET_SECONDS} s goal: {total / TARGET_SECONDS:.2f}"
    )
    print(f"load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

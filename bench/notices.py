"""Change notices at scale: 5000 registrants, 2000 of them following one session; its chair
delays it by 20 minutes.

Run from the repository root: `.venv/bin/python bench/notices.py`. On a fresh SQLite database in
a temporary directory (or BENCH_DATABASE_URL) it makes the event, its registrants (accounts and
bookmarks written in bulk), then:

1. the chair's delay through the chair console (Django's full stack, in-process), median of
   REQUESTS with notices and reminders on and with them off (their receivers disconnected):
   the fan-out is queued after the commit, so the request should cost about the same;
2. the round (who is told what: one Notice per person) and the sending (every mail rendered,
   with its calendar attachment, and handed to the mail backend: Django's in-memory one), as
   the task worker runs them; the time until the last mail is handed over, the mails per
   second, and the peak memory of the two.
Target on this machine: every mail handed over within 60 s."""

import os
import statistics
import time
import tracemalloc

from harness import setup_django

REGISTRANTS = 5000
FOLLOWERS = 2000
REQUESTS = 15
TARGET_S = 60


def main() -> None:
    scratch = setup_django()  # noqa: F841 (kept alive for the run)

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from events.models import Event, Room, TeamMember
    from registrations.models import Notice, Registration, State, TicketType
    from registrations.notices import reminders
    from registrations.notices.rounds import notices_round, on_update_logged
    from registrations.notices.sending import notices_send
    from sessions.models import Bookmark, Person, RoleKind, Session, SessionRole, SessionStatus
    from sessions.services.programme import programme_publish
    from sessions.signals import update_logged

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)

    started = time.perf_counter()
    today = timezone.localdate()
    event = Event.objects.create(
        slug="notices-bench",
        title="Notices bench",
        timezone="Asia/Shanghai",
        start_date=today,
        end_date=today,
        status=Event.Status.PUBLISHED,
        languages=["en", "zh-hans", "ru"],
    )
    room = Room.objects.create(event=event, name="Plenary hall")
    start = timezone.now().replace(second=0, microsecond=0) + timezone.timedelta(hours=2)
    panel = Session.objects.create(
        event=event,
        title="Opening panel",
        room=room,
        start=start,
        end=start + timezone.timedelta(hours=1),
        kind="panel",
        status=SessionStatus.SCHEDULED,
    )
    programme_publish(event=event, by=None)
    chair = User.objects.create_user("bench-chair", email="chair@example.org")
    TeamMember.objects.create(event=event, user=chair, role=TeamMember.Role.ORGANISER)
    SessionRole.objects.create(
        session=panel,
        person=Person.objects.create(event=event, name="Chair", user=chair),
        role=RoleKind.CHAIR,
    )
    ticket = TicketType.objects.create(event=event, name="Online", modes="online")
    UNUSABLE = make_password(None)  # participants' accounts have no password
    users = User.objects.bulk_create(
        [
            User(username=f"participant-bench{n}", email=f"p{n}@example.org", password=UNUSABLE)
            for n in range(REGISTRANTS)
        ],
        batch_size=1000,
    )
    languages = ["en", "zh-hans", "ru"]
    Registration.objects.bulk_create(
        [
            Registration(
                event=event,
                ticket=ticket,
                reference=f"B{n:07d}",
                state=State.CONFIRMED,
                mode="online",
                name=f"Participant {n}",
                email=f"p{n}@example.org",
                country="KE",
                language=languages[n % 3],
                consent_at=timezone.now(),
                user=user,
            )
            for n, user in enumerate(users)
        ],
        batch_size=1000,
    )
    Bookmark.objects.bulk_create(
        [Bookmark(user=user, session=panel) for user in users[:FOLLOWERS]], batch_size=1000
    )
    print(
        f"database: {connection.vendor}; {REGISTRANTS} registrants, {FOLLOWERS} following "
        f"the panel; made in {time.perf_counter() - started:.1f} s"
    )

    client = Client()
    client.force_login(chair)
    address = f"/events/{event.slug}/chair/sessions/{panel.pk}/delay/"

    def delays(times: int) -> list[float]:
        timings = []
        for n in range(times):
            began = time.perf_counter()
            response = client.post(address, {"minutes": str(20 + n % 2)})
            timings.append((time.perf_counter() - began) * 1000)
            if response.status_code != 302:
                raise SystemExit(f"the delay answered {response.status_code}")
        return timings

    def receivers(on: bool) -> None:
        """The notices' and the reminders' receivers of update_logged, on or off."""
        for receiver, uid in (
            (on_update_logged, "registrations.notices"),
            (reminders.on_update_logged, "registrations.reminders"),
        ):
            if on:
                update_logged.connect(receiver, dispatch_uid=uid)
            else:
                update_logged.disconnect(receiver, dispatch_uid=uid)

    delays(3)  # warm up
    without, with_notices = [], []
    for _ in range(REQUESTS):  # alternated, so that both see the same machine
        receivers(False)
        without += delays(1)
        receivers(True)
        with_notices += delays(1)
    print(
        f"1. the chair's delay request: median {statistics.median(with_notices):.1f} ms with "
        f"notices, {statistics.median(without):.1f} ms without (ratio "
        f"{statistics.median(with_notices) / statistics.median(without):.2f})"
    )

    mail.outbox = []
    tracemalloc.start()
    began = time.perf_counter()
    notices_round.call(event.pk)
    made = time.perf_counter() - began
    count = Notice.objects.filter(event=event).count()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        cProfile.runctx("notices_send.call(event.pk)", globals(), locals(), sort="cumulative")
    else:
        notices_send.call(event.pk)
    total = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    handed = len(mail.outbox)
    with_calendar = sum(1 for m in mail.outbox if m.attachments)
    print(
        f"2. round: {count} notices in {made:.1f} s; sending: {handed} mails handed over "
        f"({with_calendar} with a calendar update) after {total:.1f} s in all, "
        f"{handed / max(total - made, 0.001):.0f} mails/s; peak memory {peak / 2**20:.0f} MiB"
        f"{'' if total <= TARGET_S else f'  over the {TARGET_S} s target'}"
    )
    if handed != FOLLOWERS + 1:  # the followers and the chair
        raise SystemExit(f"expected {FOLLOWERS + 1} mails, got {handed}")


if __name__ == "__main__":
    main()

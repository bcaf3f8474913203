"""What `make run` does before serving: migrate, load the demo conference into an empty
database, make sure the demo logins exist, and print where to go."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

from confman.core.env import secret_file
from confman.demo.event_data import COMPANIONS, DEMO_SLUG
from confman.demo.events import seed_demo_event
from confman.demo.materials import seed_demo_materials
from confman.demo.past_edition import demo_certificate_holder, seed_past_attendance
from confman.demo.programme import seed_demo_programme
from confman.demo.registrations import demo_badge_to_scan, seed_demo_tickets
from confman.demo.streams import seed_demo_streams
from events.models import Event, TeamMember
from events.services import organisers_group_ensure, team_member_set
from registrations.links import magic_token

# Last year's edition, with its certificates of attendance (confman/demo/past_edition.py).
PAST_SLUG = next(c["event"]["slug"] for c in COMPANIONS if c.get("attendance"))

DEMO_USERS = [
    # username, full name, superuser, role on the demo event
    ("organiser", "Demo Organiser", False, TeamMember.Role.OWNER),
    ("checkin", "Demo Check-in Desk", False, TeamMember.Role.CHECKIN),
    ("admin", "Demo Administrator", True, None),
    # People on the demo programme, linked to their Person by the seed.
    ("chair", "Demo Session Chair", False, None),
    ("chair2", "Demo Second Chair", False, None),
    ("speaker", "Demo Keynote Speaker", False, None),
]


def demo_password() -> str:
    return secret_file(settings.VAR_DIR / "demo-password", length=9, minimum=12)


class Command(BaseCommand):
    help = "Migrate, seed the demo conference if the database is empty, ensure demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args, url, **options):
        call_command("migrate", verbosity=0, interactive=False)
        if not Event.objects.exists():
            seed_demo_event()
        self._complete(
            Event.objects.filter(slug=DEMO_SLUG).first(),
            Event.objects.filter(slug=PAST_SLUG).first(),
        )
        password = demo_password()
        with transaction.atomic():
            group = organisers_group_ensure()
            event = Event.objects.filter(slug=DEMO_SLUG).first()
            past = Event.objects.filter(slug=PAST_SLUG).first()
            for username, full_name, superuser, role in DEMO_USERS:
                user, created = get_user_model().objects.get_or_create(
                    username=username,
                    defaults={
                        "first_name": full_name.split()[0],
                        "last_name": " ".join(full_name.split()[1:]),
                        "email": f"{username}@example.org",
                    },
                )
                if created or not user.check_password(password):
                    user.set_password(password)
                user.is_staff = superuser or role == TeamMember.Role.OWNER
                user.is_superuser = superuser
                user.is_active = True
                user.save()
                if role == TeamMember.Role.OWNER:
                    user.groups.add(group)
                if role and event:
                    team_member_set(event=event, by=None, user=user, role=role)
                if role == TeamMember.Role.OWNER and past:
                    team_member_set(event=past, by=None, user=user, role=role)
        self._banner(url.rstrip("/"), password, event, past)

    @staticmethod
    def _complete(demo: Event | None, past: Event | None) -> None:
        """A database made by an older version: what the demo has gained since."""
        steps = []
        if demo is not None:
            steps += [
                # The agenda, the tickets, the live schedule's streams, the materials.
                (demo.sessions.exists(), seed_demo_programme, demo),
                (demo.ticket_types.exists(), seed_demo_tickets, demo),
                (demo.streams.exists(), seed_demo_streams, demo),
                (demo.materials.exists(), seed_demo_materials, demo),
            ]
        if past is not None:
            # Last year's participants and their certificates.
            steps.append((past.registrations.exists(), seed_past_attendance, past))
        for done, seed, event in steps:
            if not done:
                with transaction.atomic():
                    seed(event)

    def _banner(self, url: str, password: str, event: Event | None, past: Event | None) -> None:
        line = "─" * 72
        out = self.stdout.write
        out(line)
        out(self.style.SUCCESS(f"confman is starting on {url}/"))
        out(f"  Events          {url}/")
        if event:
            out(f"  Demo event      {url}{event.get_absolute_url()}")
            out(f"  Agenda          {url}{reverse('agenda:agenda', args=[event.slug])}")
            register = reverse("registrations:register", args=[event.slug])
            out(f"  Register        {url}{register}")
            out(f"  Check-in desk   {url}{reverse('registrations:desk', args=[event.slug])}")
            out(f"  Live now        {url}{reverse('livestream:live', args=[event.slug])}")
            out(f"  Chair console   {url}{reverse('agenda:chair', args=[event.slug])}")
            out(f"  Agenda builder  {url}{reverse('agenda:builder', args=[event.slug])}")
            out(f"  Report          {url}{reverse('registrations:report', args=[event.slug])}")
        holder = demo_certificate_holder(past) if past else None
        if holder is not None:
            mine = reverse(
                "registrations:mine", kwargs={"slug": past.slug, "token": magic_token(holder)}
            )
            out(f"  Last year       {url}{past.get_absolute_url()}")
            out(f"  Certificates    {url}{reverse('registrations:certificates', args=[past.slug])}")
            out(f"  A certificate   {url}{mine}  ({holder.name}'s page)")
        out(f"  Back office     {url}/admin/")
        out(f"  API docs        {url}/api/docs")
        out(f"  OpenAPI schema  {url}/api/openapi.json")
        out(f"  Health          {url}/healthz")
        badge = demo_badge_to_scan(event) if event else None
        if badge is not None:
            out(f"  A badge to scan {badge.badge_secret}  ({badge.name}, not checked in yet)")
        out(f"Demo logins (password kept in {settings.VAR_DIR / 'demo-password'}):")
        out(f"  organiser / {password}   owner of the demo event and last year's, back office, API")
        out(f"  checkin   / {password}   check-in staff of the demo event")
        out(f"  admin     / {password}   superuser")
        out(f"  chair     / {password}   moderates the opening, chairs 4 more sessions")
        out(f"  chair2    / {password}   chairs the keynotes and the report-back")
        out("API token for the organiser: .venv/bin/python manage.py create_api_token organiser")
        out(line)

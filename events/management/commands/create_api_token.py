from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from confman.core.exceptions import DomainError
from events.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is stored only as a hash)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="What the token is for.")
        parser.add_argument(
            "--days", type=int, default=None, help="Expire after this many days (default: never)."
        )

    def handle(self, *args, username, name, days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(
                f"There is no user {username!r}. Create one with `manage.py createsuperuser` or "
                "in the back office."
            )
        if days is not None and not 1 <= days <= 3660:
            raise CommandError("--days must be between 1 and 3660 (ten years).")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            _token, plaintext = api_token_create(user=user, name=name, expires_at=expires_at)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(plaintext)
        self.stderr.write("Send it as “Authorization: Bearer <token>”. It cannot be shown again.")

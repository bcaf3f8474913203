from django.core.management.base import BaseCommand

from registrations.services.personal_data import registrations_anonymise_due


class Command(BaseCommand):
    help = (
        "Remove registrants' personal data for every event whose retention period is over "
        "(the task worker does it on the day; run this if it was down, or from cron as a safety "
        "net). Safe to run at any time."
    )

    def handle(self, *args, **options) -> None:
        count = registrations_anonymise_due()
        self.stdout.write(f"{count} registration(s) anonymised.")

from django.core.management.base import BaseCommand

from registrations.services.waitlist import registrations_expire_overdue


class Command(BaseCommand):
    help = (
        "Cancel payment holds and waiting-list offers past their deadline and offer the seats "
        "to the waiting list. The task worker does this at each deadline; run this after the "
        "worker was down, or from cron as a safety net. Safe to run at any time."
    )

    def handle(self, *args, **options) -> None:
        count = registrations_expire_overdue()
        self.stdout.write(f"{count} hold(s) and offer(s) expired.")

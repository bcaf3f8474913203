from django.core.management.base import BaseCommand, CommandError, CommandParser

from confman.demo.events import seed_demo_event, seed_scale_event


class Command(BaseCommand):
    help = (
        "Create the demo conference (first day today in Shenzhen) unless it exists; with "
        "--scale N, also a synthetic event with 2000*N organisations and 20*N rooms for "
        "benchmarks. Safe to run again: existing events are left as they are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            metavar="N",
            help="Also create the synthetic event scale-N (N >= 1).",
        )

    def handle(self, *args, scale: int | None = None, verbosity: int = 1, **options) -> None:
        if scale is not None and scale < 1:
            raise CommandError(
                f"--scale must be a whole number of at least 1 (got {scale}); "
                "e.g. --scale 1 creates 2000 organisations and 20 rooms."
            )
        progress = self.stdout if verbosity >= 2 else None

        event, created = seed_demo_event(stdout=progress)
        if created:
            self.stdout.write(
                f"Created the demo event “{event.title}” at {event.get_absolute_url()}"
            )
        else:
            self.stdout.write(
                f"The demo event “{event.title}” already exists at {event.get_absolute_url()}; "
                "nothing changed."
            )

        if scale is None:
            return
        event, created, seconds = seed_scale_event(scale, stdout=progress)
        counts = (
            f"{event.event_organizations.count()} organisations, {event.rooms.count()} rooms, "
            f"{event.tracks.count()} tracks"
        )
        if created:
            self.stdout.write(f"Created {event.slug}: {counts} in {seconds:.2f} s")
        else:
            self.stdout.write(f"{event.slug} already exists ({counts}); nothing changed.")

"""The IANA time zones an event may use: every zone of tzdata's zone.tab and zone1970.tab, plus
UTC. The list is committed (events/time_zones.txt) rather than read from the machine, so the
database constraint built from it does not change with the operating system's tzdata."""

import zoneinfo
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TIME_ZONES: tuple[str, ...] = tuple(Path(__file__).with_name("time_zones.txt").read_text().split())
TIME_ZONE_CHOICES = [(name, name.replace("_", " ")) for name in TIME_ZONES]


def validate_time_zone(value: str) -> None:
    if value not in TIME_ZONES:
        raise ValidationError(
            _(
                "“%(value)s” is not an IANA time zone. Use a name such as Asia/Shanghai, "
                "Europe/Paris or America/New_York."
            ),
            code="invalid_time_zone",
            params={"value": value},
        )


def utc_offset_label(zone: str, day: date) -> str:
    """The zone's offset at noon on `day`, as "UTC+08:00" (noon keeps clear of DST switches,
    which happen at night)."""
    return offset_label(datetime.combine(day, time(12), tzinfo=zoneinfo.ZoneInfo(zone)))


def offset_label(moment: datetime) -> str:
    """The UTC offset of an aware datetime as "UTC+08:00" or "UTC−03:30" (with a true minus)."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def local_today(zone: str) -> date:
    return datetime.now(zoneinfo.ZoneInfo(zone)).date()

"""Shared start of every benchmark: Django on a scratch database, never DATABASE_URL's."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> tempfile.TemporaryDirectory | None:
    """Configure and set up Django for a benchmark run from the repository root. A benchmark
    writes thousands of rows: it uses a fresh SQLite file in a temporary directory, or the
    database BENCH_DATABASE_URL names, never DATABASE_URL's. Returns the temporary directory
    (keep it alive for the run) or None."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confman.settings")
    os.environ.setdefault("DEBUG", "true")
    # A benchmark drives thousands of registrations and scans a minute from one address and
    # one account: it measures the capacity behind the API's rate limits, not the limits.
    os.environ.setdefault("THROTTLE_REGISTRATIONS", "off")
    os.environ.setdefault("THROTTLE_CHECKINS", "off")
    os.environ.setdefault("THROTTLE_PRIVATE_LINKS", "off")
    # The webhooks benchmark's receiver listens on 127.0.0.1.
    os.environ.setdefault("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", "true")
    os.environ.pop("DATABASE_URL", None)
    scratch = None
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    else:
        scratch = tempfile.TemporaryDirectory(prefix="confman-bench-")
        os.environ["CONFMAN_VAR_DIR"] = scratch.name

    import django

    django.setup()
    return scratch

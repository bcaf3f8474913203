"""Loaded by pytest before Django's settings (see `-p tests.environment` in pyproject.toml):
the test run gets a throw-away secret key and its own var/ directory, whatever the shell has."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-in-production-0123456789")
os.environ["CONFMAN_VAR_DIR"] = tempfile.mkdtemp(prefix="confman-tests-")
os.environ.setdefault("REDIS_PREFIX", f"confman-test-{os.getpid()}")
# A pytest-xdist worker inherits its controller's environment: its own prefix in the shared Redis.
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["REDIS_PREFIX"] += f"-{os.environ['PYTEST_XDIST_WORKER']}"
# The API's rate limits would trip over a suite that registers and scans thousands of times a
# minute from one address; the tests of the limits set their own (tests/core/test_throttling.py).
os.environ.setdefault("THROTTLE_REGISTRATIONS", "off")
os.environ.setdefault("THROTTLE_CHECKINS", "off")
os.environ.setdefault("THROTTLE_PRIVATE_LINKS", "off")
os.environ.setdefault("THROTTLE_CERTIFICATES", "off")
# The webhook tests' receiver listens on 127.0.0.1; the refusals are tested with it off.
os.environ.setdefault("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", "true")

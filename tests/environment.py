"""Loaded by pytest before Django's settings (see `-p tests.environment` in pyproject.toml):
the test run gets a throw-away secret key and its own var/ directory, whatever the shell has."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-in-production-0123456789")
os.environ["CONFMAN_VAR_DIR"] = tempfile.mkdtemp(prefix="confman-tests-")
os.environ.setdefault("REDIS_PREFIX", f"confman-test-{os.getpid()}")

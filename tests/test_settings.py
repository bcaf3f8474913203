"""Misconfiguration fails at start-up with a message naming the variable. Each case starts a
fresh interpreter, because settings are read once per process."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

REPO_ROOT = Path(__file__).resolve().parents[1]
GOOD_SECRET_KEY = "tests-only-secret-key-never-used-in-production-0123456789"
# Variables the settings read; cleared so the shell running the tests cannot change the outcome.
CONFIG_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "DATABASE_POOL_SIZE",
    "DATABASE_POOL_TIMEOUT",
    "REDIS_URL",
    "EMAIL_URL",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "BEHIND_TLS_PROXY",
    "HSTS_SECONDS",
    "HSTS_INCLUDE_SUBDOMAINS",
    "HSTS_PRELOAD",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_LOCKOUT_MINUTES",
    "THROTTLE_REGISTRATIONS",
    "THROTTLE_CHECKINS",
    "THROTTLE_PRIVATE_LINKS",
    "THROTTLE_CERTIFICATES",
    "UPDATES_IN_BACKGROUND",
    "CONFMAN_S3_BUCKET",
    "CONFMAN_MATERIAL_MAX_BYTES",
    "FAST_PATHS_OFF",
    "LOG_FORMAT",
    "METRICS_TOKEN",
    "METRICS_ALLOW",
    "PROMETHEUS_MULTIPROC_DIR",
    "SENTRY_DSN",
)


def start(tmp_path: Path, code: str = "", **variables: str | None) -> subprocess.CompletedProcess:
    """Run `django.setup()` (then `code`) in a new interpreter with these variables; None
    removes a variable."""
    env = {key: value for key, value in os.environ.items() if key not in CONFIG_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="confman.settings",
        CONFMAN_VAR_DIR=str(tmp_path),
        SECRET_KEY=GOOD_SECRET_KEY,
    )
    for name, value in variables.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_settings_start_with_valid_configuration(tmp_path):
    result = start(tmp_path, "from django.conf import settings; print(settings.DEBUG)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("name", "variables"),
    [
        ("SECRET_KEY", {"DEBUG": "false", "SECRET_KEY": None}),
        ("SECRET_KEY", {"SECRET_KEY": "too-short-0123456789"}),
        ("DEBUG", {"DEBUG": "maybe"}),
        ("DATABASE_URL", {"DATABASE_URL": "mysql://x/y"}),
        ("REDIS_URL", {"REDIS_URL": "http://localhost"}),
        ("STRIPE_SECRET_KEY", {"STRIPE_SECRET_KEY": "abc"}),
        ("STRIPE_PUBLISHABLE_KEY", {"STRIPE_PUBLISHABLE_KEY": "sk_live_wrong_key"}),
        ("STRIPE_WEBHOOK_SECRET", {"STRIPE_WEBHOOK_SECRET": "abc"}),
        ("EMAIL_URL", {"EMAIL_URL": "ftp://x"}),
        ("EMAIL_URL", {"EMAIL_URL": "smtp://"}),
        ("DATABASE_CONN_MAX_AGE", {"DATABASE_CONN_MAX_AGE": "-1"}),
        ("DATABASE_CONN_MAX_AGE", {"DATABASE_CONN_MAX_AGE": "ten"}),
        ("BEHIND_TLS_PROXY", {"BEHIND_TLS_PROXY": "sometimes"}),
        ("THROTTLE_REGISTRATIONS", {"THROTTLE_REGISTRATIONS": "lots"}),
        ("FAST_PATHS_OFF", {"FAST_PATHS_OFF": "prepared_queries,warp_drive"}),
        (
            "DATABASE_POOL_SIZE",
            {
                "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
                "DATABASE_POOL_SIZE": "20",
                "DATABASE_CONN_MAX_AGE": "60",
            },
        ),
        ("DATABASE_POOL_SIZE", {"DATABASE_POOL_SIZE": "lots"}),
    ],
    ids=[
        "secret-key-unset-in-production",
        "secret-key-too-short",
        "debug-not-boolean",
        "database-url-mysql",
        "redis-url-http",
        "stripe-secret-key",
        "stripe-publishable-key",
        "stripe-webhook-secret",
        "email-url-ftp",
        "email-url-no-host",
        "conn-max-age-negative",
        "conn-max-age-not-number",
        "behind-tls-proxy-not-boolean",
        "throttle-not-a-rate",
        "fast-path-unknown",
        "pool-and-conn-max-age",
        "pool-size-not-number",
    ],
)
def test_settings_misconfiguration_fails_naming_variable(tmp_path, name, variables):
    result = start(tmp_path, **variables)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr.strip().splitlines()[-1]


def test_settings_debug_without_secret_key_generates_private_key_file_and_reuses_it(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"

    first = start(tmp_path, code, DEBUG="true", SECRET_KEY=None)
    second = start(tmp_path, code, DEBUG="true", SECRET_KEY=None)

    key_file = tmp_path / "secret_key"
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.stdout.strip()) >= 50
    assert first.stdout == second.stdout
    assert first.stdout.strip() == key_file.read_text().strip()


def test_settings_secret_key_from_environment_wins_over_file(tmp_path):
    (tmp_path / "secret_key").write_text("generated-earlier-" * 4)

    result = start(
        tmp_path, "from django.conf import settings; print(settings.SECRET_KEY)", DEBUG="true"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == GOOD_SECRET_KEY


def test_settings_redis_url_selects_redis_channel_layer_and_cache(tmp_path):
    code = (
        "from django.conf import settings\n"
        "print(settings.CHANNEL_LAYERS['default']['BACKEND'])\n"
        "print(settings.CHANNEL_LAYERS['default']['CONFIG']['hosts'])\n"
        "print(settings.CACHES['default']['BACKEND'])\n"
        "print(settings.CACHES['default']['LOCATION'])\n"
    )

    result = start(tmp_path, code, REDIS_URL="redis://127.0.0.1:6379/0")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "channels_redis.core.RedisChannelLayer",
        "['redis://127.0.0.1:6379/0']",
        "confman.core.cache.ResilientRedisCache",
        "redis://127.0.0.1:6379/0",
    ]


def test_settings_without_redis_url_use_in_memory_layer_and_local_cache(tmp_path):
    code = (
        "from django.conf import settings\n"
        "print(settings.CHANNEL_LAYERS['default']['BACKEND'])\n"
        "print(settings.CACHES['default']['BACKEND'])\n"
    )

    result = start(tmp_path, code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "channels.layers.InMemoryChannelLayer",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_settings_email_url_configures_smtp(tmp_path):
    code = (
        "from django.conf import settings\n"
        "print(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT,"
        " settings.EMAIL_HOST_USER, settings.EMAIL_USE_SSL, settings.EMAIL_USE_TLS)\n"
    )

    result = start(tmp_path, code, EMAIL_URL="smtps://mailer:pw@mail.example.org")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        "465",
        "mailer",
        "True",
        "False",
    ]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LOG_LEVEL", "LOUD"),
        ("SITE_URL", "example.org"),
        ("REDIS_URL", "redis://:notaport"),
        ("ALLOWED_HOSTS", ","),
        ("CONFMAN_VAR_DIR", "/proc/confman-cannot-write-here"),
        ("LOG_FORMAT", "xml"),
        ("METRICS_TOKEN", "too-short"),
        ("METRICS_ALLOW", "127.0.0.1,intranet"),
        ("PROMETHEUS_MULTIPROC_DIR", "/nonexistent/confman-metrics"),
    ],
)
def test_more_misconfiguration_names_the_variable(tmp_path, variable, value):
    result = start(tmp_path, **{variable: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.strip().splitlines()[-1]


def test_settings_pool_postgresql_connections_when_asked(tmp_path):
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['OPTIONS']['pool']['max_size'])"
    )

    result = start(
        tmp_path,
        code,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        DATABASE_POOL_SIZE="15",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "15"


def test_fast_paths_are_on_unless_switched_off(tmp_path):
    report = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], sorted(settings.FAST_PATHS.items()))"
    )
    on = start(tmp_path, report)
    off = start(tmp_path, report, FAST_PATHS_OFF="sqlite_pool, prepared_queries")

    assert on.returncode == 0 and off.returncode == 0, on.stderr + off.stderr
    assert on.stdout.split()[0] == "confman.core.fastpaths.sqlite"
    assert "('prepared_queries', True)" in on.stdout
    assert off.stdout.split()[0] == "django.db.backends.sqlite3"
    assert "('prepared_queries', False)" in off.stdout
    assert "('api_handler', True)" in off.stdout


def test_behind_a_tls_proxy_http_is_redirected_and_hsts_sent_but_not_for_healthz(tmp_path):
    code = (
        "from django.test import Client\n"
        "from django.test.utils import setup_test_environment\n"
        "setup_test_environment()\n"
        "client = Client()\n"
        "plain = client.get('/events/')\n"
        "secure = client.get('/healthz', headers={'X-Forwarded-Proto': 'https'})\n"
        "health = client.get('/healthz')\n"
        "print(plain.status_code, plain['Location'])\n"
        "print(secure.headers.get('Strict-Transport-Security'))\n"
        "print(health.status_code != 301)\n"
    )

    result = start(tmp_path, code, BEHIND_TLS_PROXY="true", ALLOWED_HOSTS="testserver")

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "301 https://testserver/events/",
        "max-age=31536000",
        "True",
    ]


@pytest.mark.parametrize("debug", ["true", "false"])
def test_each_log_record_is_printed_once(tmp_path, debug):
    """Django's own logging gives the "django" logger a console handler in DEBUG, and its
    records reach the root's console too: under `make run` every line came out twice."""
    code = (
        "import logging\n"
        "logging.getLogger('django.request').warning('django-warning-marker')\n"
        "logging.getLogger('django.utils.autoreload').info('django-info-marker')\n"
        "logging.getLogger('livestream.consumers').warning('confman-marker')\n"
        "logging.getLogger('django.db.backends').debug('sql-marker')\n"
    )
    result = start(tmp_path, code, DEBUG=debug)

    assert result.returncode == 0, result.stderr
    assert result.stderr.count("django-warning-marker") == 1
    assert result.stderr.count("django-info-marker") == 1  # INFO, as before
    assert result.stderr.count("confman-marker") == 1
    assert "sql-marker" not in result.stderr


def test_log_format_json_prints_one_object_a_line_with_the_request_id(tmp_path):
    code = (
        "import logging\n"
        "from django.test import Client\n"
        "answer = Client().get('/api/no-such-operation', headers={'X-Request-ID': 'edge-9'})\n"
        "print(answer.status_code, answer['X-Request-ID'])\n"
        "logging.getLogger('confman.tests').warning('Привет, outside a request')\n"
    )

    result = start(tmp_path, code, LOG_FORMAT="json", ALLOWED_HOSTS="testserver")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["404", "edge-9"]
    lines = [json.loads(line) for line in result.stderr.splitlines()]  # every line is JSON
    [not_found] = [line for line in lines if line["message"].startswith("Not Found: /api/no-")]
    assert not_found["request_id"] == "edge-9"
    assert not_found["level"] == "WARNING" and not_found["logger"] == "django.request"
    assert lines[-1]["message"] == "Привет, outside a request"  # readable, not \u escapes
    assert lines[-1]["request_id"] is None


def _fake_sentry(directory: Path, init: str) -> Path:
    """A stand-in for sentry-sdk, first on the path: what leaves the machine is faked."""
    package = directory / "sentry_sdk"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(init)
    (package / "utils.py").write_text("class BadDsn(ValueError):\n    pass\n")
    return directory


def test_sentry_is_set_up_without_personal_data_when_a_dsn_is_set(tmp_path):
    fake = _fake_sentry(
        tmp_path / "fake",
        "from sentry_sdk.utils import BadDsn\n"
        "def init(**options):\n"
        "    if not options['dsn'].startswith('https://'):\n"
        "        raise BadDsn('Unsupported scheme')\n"
        "    print(sorted(options.items()))\n",
    )
    dsn = "https://public@o0.ingest.sentry.io/0"

    result = start(tmp_path, SENTRY_DSN=dsn, PYTHONPATH=str(fake))
    bad = start(tmp_path, SENTRY_DSN="ftp://nonsense", PYTHONPATH=str(fake))
    unset = start(tmp_path, PYTHONPATH=str(fake))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(
        [
            ("dsn", dsn),
            ("include_local_variables", False),
            ("max_request_body_size", "never"),
            ("send_default_pii", False),
        ]
    )
    assert bad.returncode != 0
    assert "SENTRY_DSN is not a Sentry DSN" in bad.stderr.strip().splitlines()[-1]
    assert unset.returncode == 0 and unset.stdout == ""


def test_a_sentry_dsn_without_sentry_sdk_says_what_to_install(tmp_path):
    missing = _fake_sentry(
        tmp_path / "missing", "raise ImportError('No module named sentry_sdk')\n"
    )

    result = start(
        tmp_path, SENTRY_DSN="https://public@o0.ingest.sentry.io/0", PYTHONPATH=str(missing)
    )

    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last
    assert "SENTRY_DSN" in last and "confman[sentry]" in last


def test_with_a_multiprocess_directory_any_process_answers_for_all(tmp_path):
    shared = tmp_path / "prometheus"
    shared.mkdir()
    variables = {"PROMETHEUS_MULTIPROC_DIR": str(shared), "ALLOWED_HOSTS": "testserver"}
    request = "from django.test import Client\nprint(Client().get('/healthz').status_code)\n"
    scrape = "from django.test import Client\nprint(Client().get('/metrics').content.decode())\n"

    answers = [start(tmp_path, request, **variables) for _ in range(2)]
    scraped = start(tmp_path, scrape, **variables)

    assert [answer.stdout.strip() for answer in answers] == ["200", "200"], answers[0].stderr
    assert scraped.returncode == 0, scraped.stderr
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(scraped.stdout)
        for sample in family.samples
    }
    labels = (("method", "GET"), ("route", "healthz"), ("status", "2xx"))
    assert samples[("confman_http_request_duration_seconds_count", labels)] == 2
    # This scratch database has no tables: the process's figures are answered all the same.
    assert samples[("confman_metrics_database_up", ())] == 0

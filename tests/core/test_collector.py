"""The collector fast path: a web process freezes what it loaded at start and collects young
objects more often; switched off, Python's own collector settings stay."""

import gc
import os
import subprocess
import sys
from pathlib import Path

from confman.core.fastpaths import collector

REPO_ROOT = Path(__file__).resolve().parents[2]
REPORT = "import gc, confman.asgi; print(gc.get_threshold(), gc.get_freeze_count() > 0)"


def start_web_process(tmp_path, **variables) -> str:
    env = {**os.environ, "CONFMAN_VAR_DIR": str(tmp_path), **variables}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "-c", REPORT],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_web_process_tunes_the_collector_after_loading_everything(tmp_path):
    assert start_web_process(tmp_path) == f"{collector.THRESHOLDS} True"


def test_switched_off_pythons_defaults_stay(tmp_path):
    defaults = subprocess.run(  # noqa: S603 - fixed interpreter and arguments
        [sys.executable, "-c", "import gc; print(gc.get_threshold(), gc.get_freeze_count() > 0)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    assert start_web_process(tmp_path, FAST_PATHS_OFF="collector") == defaults


def test_tune_freezes_and_sets_the_thresholds():
    before = gc.get_threshold()
    try:
        collector.tune()
        assert gc.get_threshold() == collector.THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)

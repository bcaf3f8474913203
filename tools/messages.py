"""The interface catalogs (locale/<lang>/LC_MESSAGES/django.po and djangojs.po).

    python tools/messages.py update   gather new strings into every catalog, then compile them
    python tools/messages.py check    fail when a catalog is not current with the code, or a
                                      compiled .mo not current with its .po (CI runs this)

Both need GNU gettext (Debian's `gettext`). The compiled .mo files are committed, so that
`make run` needs no gettext and a fresh clone speaks every language at once; `check` keeps them
honest. Locations are written per file, not per line, so that moving code does not churn the
catalogs.
"""

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["zh_Hans", "ru", "fr", "es", "ar"]
IGNORED = ["var/*", "tests/*", "bench/*", "tools/*", "docs/*", "confman/static/vendor/*"]
# The demo's own text is content, not interface: it is given in its languages in its data.
IGNORED.append("confman/demo/*")


def _manage(root: Path, *args: str) -> None:
    env = {**os.environ, "DEBUG": "true", "PYTHONDONTWRITEBYTECODE": "1"}
    subprocess.run([sys.executable, "manage.py", *args], cwd=root, env=env, check=True)


def update(root: Path = ROOT) -> None:
    languages = [arg for code in LANGUAGES for arg in ("-l", code)]
    ignored = [arg for pattern in IGNORED for arg in ("--ignore", pattern)]
    for domain in ("django", "djangojs"):
        _manage(
            root,
            "makemessages",
            "-d",
            domain,
            *languages,
            "--add-location",
            "file",
            "--no-obsolete",
            *ignored,
            "--verbosity",
            "0",
        )
    _manage(root, "compilemessages", "--ignore", ".venv", "--ignore", "var", "--verbosity", "0")


def _without_creation_date(path: Path) -> list[str]:
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.startswith('"POT-Creation-Date:')
    ]


def check() -> int:
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "confman"
        shutil.copytree(
            ROOT,
            copy,
            ignore=shutil.ignore_patterns(".git", ".venv", "var", "__pycache__", ".pytest_cache"),
        )
        update(copy)
        for po in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
            fresh = copy / po.relative_to(ROOT)
            if _without_creation_date(po) != _without_creation_date(fresh):
                problems.append(f"{po.relative_to(ROOT)} is not current with the code")
            mo = po.with_suffix(".mo")
            compiled = Path(tmp) / "check.mo"
            subprocess.run(["msgfmt", "--check-format", "-o", compiled, po], check=True)
            if not mo.exists() or not filecmp.cmp(mo, compiled, shallow=False):
                problems.append(f"{mo.relative_to(ROOT)} is not compiled from its .po")
        for fresh in sorted((copy / "locale").glob("*/LC_MESSAGES/*.po")):
            if not (ROOT / fresh.relative_to(copy)).exists():
                problems.append(f"{fresh.relative_to(copy)} is missing")
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(
            "Run `make messages`, translate the new or changed entries in every language "
            "(no empty or fuzzy entry), run `make messages` again and commit locale/.",
            file=sys.stderr,
        )
        return 1
    print("The catalogs are current.")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["update"]:
        update()
    elif sys.argv[1:] == ["check"]:
        sys.exit(check())
    else:
        sys.exit(__doc__)

"""Refresh the front-end libraries in confman/static/vendor/ from the npm registry, as listed
(name, exact version, integrity, files) in confman/static/vendor/packages.json. Each tarball's
sha512 is checked against the recorded integrity before anything is written; each package gets
its files, its licence and a VERSION file. `make vendor` runs this; `make run` needs no Node.js."""

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "confman" / "static" / "vendor"
REGISTRY = "https://registry.npmjs.org"


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (https registry)
        return response.read()


def main() -> int:
    packages = json.loads((VENDOR / "packages.json").read_text())
    for name, spec in packages.items():
        version = spec["version"]
        tarball = fetch(f"{REGISTRY}/{name}/-/{name.split('/')[-1]}-{version}.tgz")
        algorithm, expected = spec["integrity"].split("-", 1)
        digest = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode()
        if digest != expected:
            print(f"{name}@{version}: integrity mismatch; nothing written", file=sys.stderr)
            return 1
        target = VENDOR / name
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            for filename in spec["files"]:
                member = archive.extractfile(f"package/{filename}")
                if member is None:
                    print(f"{name}@{version}: no {filename} in the package", file=sys.stderr)
                    return 1
                (target / filename).write_bytes(member.read())
        (target / "VERSION").write_text(f"{name}@{version} {spec['integrity']}\n")
        print(f"{name}@{version} -> {target.relative_to(VENDOR.parent.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

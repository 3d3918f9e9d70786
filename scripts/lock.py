#!/usr/bin/env python3
"""Rewrite requirements.lock with the SHA-256 of every file of every pinned release.

    .venv/bin/python scripts/lock.py            # re-hash the pins already in requirements.lock
    .venv/bin/python scripts/lock.py --freeze   # take the pins from `pip freeze` of .venv first

After adding a dependency: pin it in pyproject.toml, `.venv/bin/pip install name==version`,
then `scripts/lock.py --freeze`. manage.py installs the lock with `pip install --require-hashes`,
so a file whose bytes differ from the ones hashed here is refused (ASVS V14.2, OWASP A06/A08).

The hashes come from the package index's JSON simple API (PEP 691, the one pip itself reads):
every wheel and sdist of the pinned version, so the lock installs on any platform pip may pick.
Standard library only: it runs before any virtual environment exists.
"""

import argparse
import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
INDEX = "https://pypi.org/simple"
HEADER = """\
# The whole dependency tree, pinned, with the SHA-256 of every file of each release.
# manage.py installs it with `pip install --require-hashes -r requirements.lock`.
# Do not edit by hand: after changing pyproject.toml, `.venv/bin/pip install <pkg>==<version>`
# then `.venv/bin/python scripts/lock.py --freeze` (see README, "Dependencies").
"""
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(text: str) -> list[tuple[str, str]]:
    """(name, version) of every `name==version` line; hash and comment lines are skipped."""
    pins = []
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            pins.append((match.group(1), match.group(3)))
    return pins


def frozen_pins(python: Path) -> list[tuple[str, str]]:
    # --all: pip itself is a dependency (of pip-audit's pip-api), so it is locked too
    out = subprocess.check_output([str(python), "-m", "pip", "freeze", "--all", "--exclude-editable"], text=True)
    return [(n, v) for n, v in read_pins(out) if normalise(n) not in {"setuptools", "wheel"}]


def _file_version(filename: str, project: str) -> str | None:
    """The version in a distribution's file name (wheel `name-ver-...whl`, sdist `name-ver.tar.gz`)."""
    stem = filename
    for suffix in (".whl", ".tar.gz", ".zip", ".tar.bz2"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    else:
        return None
    for at, char in enumerate(stem):
        if char == "-" and normalise(stem[:at]) == normalise(project):
            return stem[at + 1:].split("-")[0]
    return None


def release_hashes(name: str, version: str, index: str = INDEX, timeout: float = 60) -> list[str]:
    request = urllib.request.Request(f"{index}/{normalise(name)}/",
                                     headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        files = json.load(response)["files"]
    hashes = sorted({f["hashes"]["sha256"] for f in files
                     if "sha256" in f.get("hashes", {}) and not f.get("yanked")
                     and _same_version(_file_version(f["filename"], name), version)})
    if not hashes:
        raise LookupError(f"{name}=={version}: no file of this release on {index}")
    return hashes


def _same_version(found: str | None, wanted: str) -> bool:
    if found is None:
        return False
    canon = lambda v: v.lower().replace("_", "-")  # noqa: E731
    return canon(found) == canon(wanted)


def render(entries: list[tuple[str, str, list[str]]]) -> str:
    blocks = []
    for name, version, hashes in sorted(entries, key=lambda e: normalise(e[0])):
        lines = [f"{name}=={version}"] + [f"    --hash=sha256:{h}" for h in hashes]
        blocks.append(" \\\n".join(lines))
    return HEADER + "\n".join(blocks) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--freeze", action="store_true", help="take the pins from pip freeze of .venv")
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"))
    parser.add_argument("--index", default=INDEX)
    parser.add_argument("--output", default=str(LOCK))
    args = parser.parse_args(argv)
    pins = frozen_pins(Path(args.python)) if args.freeze else read_pins(LOCK.read_text())
    entries = []
    for name, version in pins:
        try:
            entries.append((name, version, release_hashes(name, version, args.index)))
        except (OSError, LookupError, ValueError) as error:
            print(f"cannot hash {name}=={version}: {error}", file=sys.stderr)
            return 1
        print(f"{name}=={version}: {len(entries[-1][2])} files", file=sys.stderr)
    Path(args.output).write_text(render(entries))
    return 0


if __name__ == "__main__":
    sys.exit(main())

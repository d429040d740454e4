"""Set up .venv from requirements.lock when needed, then build the graph or run the tests.

    python3 bootstrap.py run     # build the graph from corpus/ into out/
    python3 bootstrap.py test    # run every test

Needs only Python 3.11+ (``make run`` and ``make test`` call this script). The environment is
(re)created when it is missing or older than requirements.lock or pyproject.toml.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"
INPUTS = [ROOT / "requirements.lock", ROOT / "pyproject.toml"]
COMMANDS = {
    "run": [str(BIN / "kg"), "build", "corpus/", "--out", "out/"],
    "test": [str(BIN / "python"), "-m", "pytest"],
}


def ensure_venv() -> None:
    """Create or refresh .venv so that it matches the lock file."""
    if STAMP.exists() and all(STAMP.stat().st_mtime >= p.stat().st_mtime for p in INPUTS):
        return
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print("creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    print("installing requirements.lock into .venv", flush=True)
    subprocess.run([*pip, "--require-hashes", "-r", str(ROOT / "requirements.lock")], check=True)
    subprocess.run([*pip, "--no-deps", "--no-build-isolation", "-e", str(ROOT)], check=True)
    STAMP.touch()


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        ensure_venv()
    except subprocess.CalledProcessError as err:
        print(f"Error: installing the environment failed (exit {err.returncode}); see the pip output above", file=sys.stderr)
        return 2
    return subprocess.run(COMMANDS[argv[0]], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The wheel carries everything kg needs: installed from it (not editable), kg builds the corpus.

The ontology lives in ontology/ at the repository root and is packaged as kg/ontology; the
patterns, schemas, queries and templates are package data. Nothing is downloaded: the wheel is
built without build isolation and installed with --no-index; its dependencies come from this
environment's site-packages, put on the new environment's path after its own.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest

from kg.resources import GAZETTEER_PATH, ONTOLOGY_PATH, SHAPES_PATH, ontology_dir

from .conftest import CORPUS, ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
OFFLINE = {"PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}


def _package_files() -> dict[str, list[str]]:
    """Package name -> data files (relative to the package's directory) that the wheel must carry."""
    found: dict[str, list[str]] = {"kg": [], "kg.extract": [], "kg.ontology": []}
    for path in sorted((ROOT / "kg").rglob("*")):
        if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(ROOT / "kg")
        if rel.parts[0] == "extract":
            found["kg.extract"].append(str(rel.relative_to("extract")))
        else:
            found["kg"].append(str(rel))
    found["kg.ontology"] = sorted(p.name for p in (ROOT / "ontology").iterdir() if p.is_file())
    return found


def test_every_data_file_is_package_data():
    settings = PYPROJECT["tool"]["setuptools"]
    assert settings["package-dir"]["kg.ontology"] == "ontology"
    assert {"kg", "kg.extract", "kg.ontology"} <= set(settings["packages"])
    patterns = settings["package-data"]
    for package, files in _package_files().items():
        assert files, package
        for name in files:
            assert any(fnmatch.fnmatch(name, glob) for glob in patterns[package]), f"{package}: {name} is not package data"


def test_one_helper_finds_the_ontology_in_a_checkout():
    assert ontology_dir() == ROOT / "ontology"
    assert ONTOLOGY_PATH.is_file() and SHAPES_PATH.is_file() and GAZETTEER_PATH.is_file()
    from kg import docs, gazetteer, validate
    from kg.namespace import ontology_graph

    assert docs.ONTOLOGY_PATH == validate.ONTOLOGY_PATH == ONTOLOGY_PATH
    assert len(ontology_graph()) > 0  # the one parsed ontology (network, JSON-LD, evaluation) is read from there
    assert gazetteer.GAZETTEER_PATH == GAZETTEER_PATH and validate.SHAPES_PATH == SHAPES_PATH


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | OFFLINE
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, **kwargs)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
def test_installed_wheel_builds_the_corpus_from_elsewhere(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("kg", "ontology"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(tmp_path / "dist"), str(source)])
    wheel = next((tmp_path / "dist").glob("kg-*.whl"))

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)])
    # The dependencies: this environment's site-packages, after the new one's (a .pth line is appended).
    purelib = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    (purelib / "zz_kg_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run([str(python), "-c", "import kg.resources as r; print(r.__file__); print(r.ontology_dir())"], cwd=elsewhere).stdout.split()
    assert all(line.startswith(str(purelib)) for line in where), where  # the wheel's kg, not the checkout's
    _run([str(env_dir / "bin" / "kg"), "build", str(CORPUS), "--out", str(tmp_path / "out"), "--quiet"], cwd=elsewhere)
    assert (tmp_path / "out" / "graph.ttl").stat().st_size > 10_000
    answer = _run([str(env_dir / "bin" / "kg"), "query", "chip4", "--graph", str(tmp_path / "out"), "--format", "csv"], cwd=elsewhere)
    assert "chip" not in answer.stderr and "united-states" in answer.stdout

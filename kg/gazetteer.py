"""The gazetteer: known entities with canonical ids, types, labels and Wikidata ids.

``ontology/gazetteer.jsonl`` is the one source of truth; the entity ruler's patterns and the
graph's labels and Wikidata links are both made from it. This module does not import spaCy.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import KGError
from .resources import GAZETTEER_PATH


#: Entity types (ontology class local names) a gazetteer entry may have.
ENTITY_TYPES = (
    "Country",
    "Region",
    "Place",
    "Company",
    "Organization",
    "Person",
    "Industry",
    "Technology",
    "Product",
    "Initiative",
    "Survey",
    "Event",
)
_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_QID = re.compile(r"Q[1-9][0-9]*")


@dataclass(frozen=True, order=True)
class Entry:
    """One known entity."""

    id: str
    type: str
    label: str
    alt_labels: tuple[str, ...] = ()
    labels: tuple[tuple[str, str], ...] = ()  # (language, label), e.g. ("ja", "日本")
    wikidata: str | None = None
    broader: str | None = None
    country: str | None = None  # for organisations and companies: the id of their country

    @property
    def surface_forms(self) -> tuple[str, ...]:
        """The label and every alternative label, without duplicates, in file order."""
        return tuple(dict.fromkeys((self.label, *self.alt_labels)))


class Gazetteer:
    """Known entities by id, with a lookup from any surface form to an id."""

    def __init__(self, entries: list[Entry]):
        self.entries = {entry.id: entry for entry in entries}
        self._by_form: dict[str, str] = {}
        for entry in entries:
            for form in entry.surface_forms:
                self._by_form.setdefault(normalize_form(form), entry.id)

    def __contains__(self, entity_id: str) -> bool:
        return entity_id in self.entries

    def __getitem__(self, entity_id: str) -> Entry:
        return self.entries[entity_id]

    def __len__(self) -> int:
        return len(self.entries)

    def find_in(self, text: str, types: tuple[str, ...]) -> list[Entry]:
        """Entries of the given types one of whose forms occurs in ``text`` as whole words, longest first.

        >>> [e.id for e in default_gazetteer().find_in("Ministry of Economy, Trade and Industry (METI), Japan", ("Organization", "Country"))]
        ['meti', 'japan']
        """
        normalized = f" {re.sub(r'[^a-z0-9.&]+', ' ', normalize_form(text))} "
        found: dict[str, tuple[int, Entry]] = {}
        for entry in self.entries.values():
            if entry.type not in types:
                continue
            for form in entry.surface_forms:
                words = re.sub(r"[^a-z0-9.&]+", " ", normalize_form(form)).strip()
                if len(words) > 1 and f" {words} " in normalized:
                    found[entry.id] = max(found.get(entry.id, (0, entry)), (len(words), entry), key=lambda f: f[0])
        return [entry for _, entry in sorted(found.values(), key=lambda f: (-f[0], f[1].id))]

    def lookup(self, text: str) -> Entry | None:
        """The entry one of whose labels is ``text`` (case-, dash- and article-insensitive)."""
        entity_id = self._by_form.get(normalize_form(text))
        return self.entries[entity_id] if entity_id else None


def normalize_form(text: str) -> str:
    """Normalise a surface form for lookup.

    >>> normalize_form("The  Chile–Peru border accord's")
    'chile-peru border accord'
    """
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text.strip())
    text = re.sub(r"['\u2019]s$", "", text)
    text = re.sub(r"^(the|a|an)\s+", "", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).lower()


def parse_entry(line: str, where: str) -> Entry:
    """Parse and check one JSON line of the gazetteer."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as err:
        raise KGError(f"{where}: invalid JSON ({err.msg}); fix the line") from None
    for key in ("id", "type", "label"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise KGError(f"{where}: missing or empty {key!r}")
    if not _ID.fullmatch(data["id"]):
        raise KGError(f"{where}: id {data['id']!r} must be a lowercase slug such as 'south-korea'")
    if data["type"] not in ENTITY_TYPES:
        raise KGError(f"{where}: type {data['type']!r} is not one of {', '.join(ENTITY_TYPES)}")
    qid = data.get("wikidata")
    if qid is not None and not _QID.fullmatch(str(qid)):
        raise KGError(f"{where}: wikidata {qid!r} is not a QID such as 'Q17'")
    labels = data.get("labels") or {}
    return Entry(
        id=data["id"],
        type=data["type"],
        label=data["label"],
        alt_labels=tuple(data.get("alt_labels") or ()),
        labels=tuple(sorted(labels.items())),
        wikidata=qid,
        broader=data.get("broader"),
        country=data.get("country"),
    )


def read_gazetteer(path: Path = GAZETTEER_PATH) -> Gazetteer:
    """Read and check a gazetteer file (JSON Lines)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise KGError(f"{path}: cannot read the gazetteer ({err.strerror})") from None
    entries = [parse_entry(line, f"{path}:{n}") for n, line in enumerate(lines, 1) if line.strip()]
    ids = [e.id for e in entries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise KGError(f"{path}: duplicate ids {', '.join(duplicates)}; each id must be unique")
    known = set(ids)
    for entry in entries:
        if entry.broader and entry.broader not in known:
            raise KGError(f"{path}: {entry.id} has broader {entry.broader!r}, which is not in the gazetteer")
        if entry.country and (entry.country not in known or entries[ids.index(entry.country)].type != "Country"):
            raise KGError(f"{path}: {entry.id} has country {entry.country!r}, which is no Country of the gazetteer")
    return Gazetteer(entries)


@lru_cache(maxsize=4)
def default_gazetteer() -> Gazetteer:
    """The project's gazetteer, read once per process."""
    return read_gazetteer(GAZETTEER_PATH)

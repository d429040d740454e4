"""Convert the development gold of ../shared/dev/gold into tests/gold/<doc-id>.json.

    python tests/data/dev_gold/convert.py [SHARED_DEV_DIR]

Entities, figures and periods are copied as they are; relation predicates (free text) become
ontology property names through ``predicates.json`` beside this script, and relations whose
predicate names no property are left out. The document id is the corpus file's ``Id`` (the
dev file name without its number, with hyphens).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
GOLD = ROOT / "tests" / "gold"


def doc_id(name: str) -> str:
    return name.split("_", 1)[1].replace("_", "-")


def convert(gold: dict, mapping: dict) -> dict:
    relations = []
    for rel in gold["relations"]:
        target = mapping["map"].get(rel["predicate"])
        if target is None:
            if rel["predicate"] not in mapping["unmapped"]:
                raise SystemExit(f"predicate {rel['predicate']!r} is neither mapped nor listed as unmapped")
            continue
        subject, obj = (rel["object"], rel["subject"]) if target.get("swap") else (rel["subject"], rel["object"])
        relations.append({**rel, "subject": subject, "predicate": target["property"], "object": obj, "gold_predicate": rel["predicate"]})
    return {**gold, "relations": relations}


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else ROOT.parent / "shared" / "dev"
    mapping = json.loads((HERE / "predicates.json").read_text(encoding="utf-8"))
    for path in sorted((source / "gold").glob("*.json")):
        target = GOLD / f"{doc_id(path.stem)}.json"
        if not (ROOT / "corpus" / f"{doc_id(path.stem)}.txt").exists():
            print(f"skip {path.name}: no corpus/{doc_id(path.stem)}.txt")
            continue
        if target.exists() and "gold_predicate" not in target.read_text(encoding="utf-8"):
            print(f"keep {target.name}: converted earlier by hand")
            continue
        converted = convert(json.loads(path.read_text(encoding="utf-8")), mapping)
        target.write_text(json.dumps(converted, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {target.name}: {len(converted['relations'])} relations")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

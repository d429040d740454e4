"""Make a benchmark corpus from the real texts of corpus/: N documents with distinct ids and bodies.

    .venv/bin/python benchmarks/make_corpus.py /tmp/corpus-200 --documents 200

Each document is a copy of one of the corpus texts (in turn) with its own ``Id:`` and a first
body line naming its copy number, so that no two bodies repeat (``kg build`` skips repeated
bodies). The copies are near-duplicates of each other, as a corpus of wire stories retold by
several papers is. Never commit a generated corpus.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_corpus(out: Path, documents: int, source: Path = ROOT / "corpus") -> list[Path]:
    texts = sorted(p for p in source.glob("*.txt") if not p.name.startswith("README"))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for n in range(documents):
        path = texts[n % len(texts)]
        text = path.read_text(encoding="utf-8")
        doc_id = f"{path.stem}-copy-{n:05d}"
        text = re.sub(r"(?im)^Id: .*$", f"Id: {doc_id}", text, count=1)
        text = re.sub(r"(?im)^(Title: .*)$", rf"\1 (copy {n})", text, count=1)
        header, _, body = text.partition("\n\n")
        target = out / f"{doc_id}.txt"
        target.write_text(f"{header}\n\nCopy {n} of the corpus text {path.stem}.\n\n{body}", encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--documents", type=int, default=200)
    args = parser.parse_args(argv)
    files = make_corpus(args.out, args.documents)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in files)
    print(f"{len(files)} documents, {words} words in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

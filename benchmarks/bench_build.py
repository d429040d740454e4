"""The build at scale, in one run: kg build against bare spaCy, --jobs 1 against 2, 200 and 2,000
documents, an incremental rebuild, a cold query and exports of the large build.

    .venv/bin/python benchmarks/bench_build.py                      # everything (about 20 min on 2 cores)
    .venv/bin/python benchmarks/bench_build.py --sizes 200 --skip-export

Corpora are made from the texts of corpus/ by benchmarks/make_corpus.py (distinct ids and
bodies) in a scratch directory. Every measured command runs in a fresh process; its wall time
and peak resident memory (of that process, from wait4) are recorded. "bare spaCy" is a process
that loads the pinned model and runs ``nlp.pipe`` over the same bodies (batch size 32) and does
nothing else; "kg build" is ``kg build CORPUS --out OUT --no-cache`` (model load, extraction,
claims, Turtle, TriG, the Oxigraph database and the page). Measured:

- per size: bare spaCy; kg build --jobs 1 and --jobs 2 (wall, peak memory, seconds per document,
  ratios, and whether both builds wrote identical files);
- incremental: a built corpus of ``--incremental`` documents (with its extraction cache), then one
  document added and ``kg build`` run again;
- on the largest build: ``kg query`` of a library query in a cold process against
  ``python -c "import rdflib"``, and ``kg export`` in every RDF format against pyoxigraph writing
  the same quads (its serialiser alone, and a whole process that parses graph.trig and writes).

Results go to benchmarks/results/build.json; a summary is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_corpus import make_corpus  # noqa: E402

PYTHON = sys.executable
#: An export that takes longer is stopped and recorded as such.
EXPORT_TIMEOUT = 600.0
BARE_SPACY = """
import sys
from pathlib import Path
import spacy
from kg.corpus import read_corpus
from kg.nlp import MODEL
articles = read_corpus([sys.argv[1]])
nlp = spacy.load(MODEL)
for _ in nlp.pipe((a.body for a in articles), batch_size=32):
    pass
"""
PYOXIGRAPH_WRITE = """
import sys, time, pyoxigraph as ox
start = time.perf_counter()
quads = list(ox.parse(path=sys.argv[1], format=ox.RdfFormat.TRIG))
parsed = time.perf_counter()
fmt = ox.RdfFormat.from_extension(sys.argv[3])
items = quads if fmt.supports_datasets else list({q.triple for q in quads})
ox.serialize(items, sys.argv[2], format=fmt)
print(parsed - start, time.perf_counter() - parsed)
"""


def run(command: list[str], timeout: float | None = None) -> dict:
    """Wall seconds and peak resident MB of one process (not its children); killed after ``timeout`` seconds."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        process = subprocess.Popen(command, stdout=out_file, stderr=err_file, env=env, cwd=ROOT)
        timer = threading.Timer(timeout, process.kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(process.pid, 0)
        if timer:
            timer.cancel()
        seconds = time.perf_counter() - start
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    if timeout and seconds >= timeout:
        raise SystemExit(f"stopped after {timeout:.0f} s: {' '.join(command[:6])}")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{err.decode()[-2000:]}")
    return {"seconds": round(seconds, 2), "peak_mb": round(usage.ru_maxrss / 1024), "stdout": out.decode()}


def kg(*args: str) -> list[str]:
    return [PYTHON, "-m", "kg", *args]


def digest(out: Path) -> str:
    sha = hashlib.sha256()
    for name in ("graph.ttl", "graph.trig", "graph.html"):
        sha.update((out / name).read_bytes())
    return sha.hexdigest()[:16]


def triples(out: Path) -> int:
    return sum(1 for line in (out / "graph.ttl").read_bytes().splitlines() if line.rstrip().endswith((b" .", b" ;", b" ,")))


def size_run(scratch: Path, documents: int, jobs: list[int]) -> dict:
    corpus = scratch / f"corpus-{documents}"
    make_corpus(corpus, documents)
    result: dict = {"documents": documents}
    result["bare_spacy"] = run([PYTHON, "-c", BARE_SPACY, str(corpus)])
    digests = set()
    for n in jobs:
        out = scratch / f"out-{documents}-{n}"
        measured = run(kg("build", str(corpus), "--out", str(out), "--no-cache", "--quiet", "--jobs", str(n)))
        measured["seconds_per_document"] = round(measured["seconds"] / documents, 4)
        measured["ratio_to_bare_spacy"] = round(measured["seconds"] / result["bare_spacy"]["seconds"], 2)
        result[f"jobs_{n}"] = measured
        digests.add(digest(out))
    result["identical_outputs_for_any_jobs"] = len(digests) == 1
    result["statements_in_graph_ttl"] = triples(scratch / f"out-{documents}-{jobs[0]}")
    if len(jobs) > 1:
        result["speedup_jobs_2"] = round(result[f"jobs_{jobs[0]}"]["seconds"] / result[f"jobs_{jobs[1]}"]["seconds"], 2)
    for key in ("bare_spacy", *(f"jobs_{n}" for n in jobs)):
        result[key].pop("stdout", None)
    return result


def incremental_run(scratch: Path, documents: int) -> dict:
    corpus = scratch / f"corpus-inc-{documents}"
    files = make_corpus(corpus, documents + 1)
    extra = files[-1]
    held = scratch / "held-back.txt"
    shutil.move(extra, held)
    out = scratch / "out-inc"
    full = run(kg("build", str(corpus), "--out", str(out), "--quiet"))
    shutil.move(held, extra)
    again = run(kg("build", str(corpus), "--out", str(out), "--quiet"))
    return {
        "documents": documents,
        "full_build_seconds": full["seconds"],
        "rebuild_after_adding_one_seconds": again["seconds"],
        "rebuild_share_of_full": round(again["seconds"] / full["seconds"], 3),
    }


def query_and_export_run(scratch: Path, out: Path) -> dict:
    rdflib_import = min(run([PYTHON, "-c", "import rdflib"])["seconds"] for _ in range(3))
    cold = [run(kg("query", "chip4", "--graph", str(out), "--format", "json")) for _ in range(3)]
    result: dict = {
        "statements": triples(out),
        "import_rdflib_seconds": rdflib_import,
        "kg_query_cold_seconds": min(c["seconds"] for c in cold),
        "kg_query_peak_mb": max(c["peak_mb"] for c in cold),
    }
    result["query_ratio_to_import_rdflib"] = round(result["kg_query_cold_seconds"] / rdflib_import, 2)
    exports = {}
    for fmt in ("ttl", "trig", "nt", "nq", "jsonld", "xml"):
        target = scratch / f"export.{fmt}"
        try:
            measured = run(kg("export", str(out / "graph.trig"), "--format", fmt, "--out", str(target)), timeout=EXPORT_TIMEOUT)
        except SystemExit as err:
            exports[fmt] = {"kg_export_seconds": None, "note": str(err)[:200]}
            continue
        entry = {"kg_export_seconds": measured["seconds"], "peak_mb": measured["peak_mb"], "bytes": target.stat().st_size}
        ox_ext = {"ttl": "ttl", "trig": "trig", "nt": "nt", "nq": "nq", "jsonld": "jsonld", "xml": "rdf"}[fmt]
        try:
            ox_run = run([PYTHON, "-c", PYOXIGRAPH_WRITE, str(out / "graph.trig"), str(scratch / f"ox.{ox_ext}"), ox_ext])
            parse_seconds, write_seconds = (float(x) for x in ox_run["stdout"].split())
            entry["pyoxigraph_parse_seconds"] = round(parse_seconds, 2)
            entry["pyoxigraph_serialize_seconds"] = round(write_seconds, 2)
            entry["pyoxigraph_process_seconds"] = ox_run["seconds"]
            entry["ratio_to_serialize"] = round(entry["kg_export_seconds"] / max(write_seconds, 0.01), 2)
            entry["ratio_to_pyoxigraph_process"] = round(entry["kg_export_seconds"] / ox_run["seconds"], 2)
        except SystemExit as err:  # pyoxigraph cannot write this format for a dataset
            entry["pyoxigraph_serialize_seconds"] = None
            entry["note"] = str(err).splitlines()[0][:200]
        exports[fmt] = entry
    result["exports"] = exports
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000], help="corpus sizes in documents")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--incremental", type=int, default=1000, help="documents of the incremental run (0: skip)")
    parser.add_argument("--skip-export", action="store_true", help="no cold query and export run on the largest build")
    parser.add_argument("--only-large", type=Path, metavar="OUT", help="only the cold query and exports, on an existing build directory")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    if args.only_large:
        with tempfile.TemporaryDirectory(prefix="kg-bench-build-") as tmp:
            result = query_and_export_run(Path(tmp), args.only_large.resolve())
        print(json.dumps(result, indent=2))
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "build-large.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        return 0
    results: dict = {"machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores", "sizes": []}
    with tempfile.TemporaryDirectory(prefix="kg-bench-build-") as tmp:
        scratch = Path(tmp)
        for documents in args.sizes:
            results["sizes"].append(size_run(scratch, documents, args.jobs))
            print(json.dumps(results["sizes"][-1], indent=2), flush=True)
        if len(results["sizes"]) > 1:
            small, large = results["sizes"][0], results["sizes"][-1]
            key = f"jobs_{args.jobs[0]}"
            results["scaling"] = {
                "per_document_time_ratio": round(large[key]["seconds_per_document"] / small[key]["seconds_per_document"], 2),
                "peak_memory_ratio": round(large[key]["peak_mb"] / small[key]["peak_mb"], 2),
            }
            print(json.dumps(results["scaling"], indent=2), flush=True)
        if args.incremental:
            results["incremental"] = incremental_run(scratch, args.incremental)
            print(json.dumps(results["incremental"], indent=2), flush=True)
        if not args.skip_export:
            largest = max(args.sizes)
            results["large_build"] = query_and_export_run(scratch, scratch / f"out-{largest}-{args.jobs[0]}")
            print(json.dumps(results["large_build"], indent=2), flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "build.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

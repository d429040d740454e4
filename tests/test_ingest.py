"""Ingest (issue 16): saved web pages, PDFs, RSS/Atom feeds, headerless text and URLs -> corpus documents.

The sources are made for these tests (tests/data/ingest/, PDFs written by tests/pdfmaker.py):
one invented article, given as clean text, as a web page with navigation, ads, a cookie banner
and comments, as a two-page PDF with a running header, page numbers and words hyphenated at line
ends, as an entry of an RSS and of an Atom feed, and as plain text without a header.
"""

from __future__ import annotations

import hashlib
import http.server
import re
import socket
import threading
import time
from pathlib import Path

import pytest

from kg.cli import cli
from kg.corpus import parse_article, read_article
from kg.errors import CorpusError
from kg.ingest import convert
from kg.ingest.fetch import fetch

from .pdfmaker import layout, make_pdf

DATA = Path(__file__).parent / "data" / "ingest"
CLEAN = parse_article((DATA / "clean.txt").read_text(encoding="utf-8"), "clean.txt")
BODY = CLEAN.text[CLEAN.body_start : CLEAN.body_end]
TITLE = "Japan and South Korea deepen chip cooperation"
HEADER = "Example Ministry of Industry | News Release"
#: The article's paragraphs as a PDF sets them: broken into lines, three words hyphenated at line ends.
PDF_PARAGRAPHS = [
    ["June 10, 2025"],
    ["Seoul and Tokyo agreed on Tuesday to expand cooperation on semi-", "conductor supply chains, officials of both governments said."],
    ["Bilateral trade between Japan and South Korea reached $88.3 billion in", "2024, a 12% increase over the previous year."],
    ["Samsung Electronics will invest $1.5 billion in a chip packaging re-", "search centre in Yokohama, the company said."],
    ["SK Hynix plans to buy more photo-", "resist and hydrogen fluoride from Japanese suppliers."],
    ["Both countries are members of the U.S.-", "led Chip 4 alliance, together with Taiwan."],
]
#: The PDF's body as stored: its title line, its date line, then the article.
PDF_BODY = f"{TITLE}\n\nJune 10, 2025\n\n{BODY}"


def release_pdf(**kwargs) -> bytes:
    """A two-page release: the article, then its last paragraph once more on page 2 (so the header runs)."""
    paragraphs = PDF_PARAGRAPHS + [[f"Paragraph {n} of the annex follows the release text."] for n in range(1, 30)]
    paragraphs[len(PDF_PARAGRAPHS) + 14] = ["A paragraph broken across the page by the layout of this", "release goes on after the break without a new para-", "graph."]
    return make_pdf(layout(paragraphs, header=HEADER, title=TITLE), info={"Author": "Press office", "CreationDate": "D:20250611090000Z"}, **kwargs)


def short_pdf(**kwargs) -> bytes:
    """One page, with a page number (a header on one page cannot be told from text: it is kept)."""
    return make_pdf(layout(PDF_PARAGRAPHS, title=TITLE), info={"Author": "Press office"}, **kwargs)


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()} if directory.exists() else {}


def body_of(path: Path) -> str:
    article = read_article(path)
    return article.text[article.body_start : article.body_end]


# -- HTML ----------------------------------------------------------------------------------------


def test_html_page_gives_the_article_text_and_the_page_metadata():
    data = (DATA / "article.html").read_bytes()
    [document] = convert(data, name="article.html", suffix=".html")
    assert document.text == BODY
    for debris in ("cookie", "Advertisement", "Toyota", "Nintendo", "Politics", "Most read", "Hyundai", "Panasonic", "Kyocera",
                   "log in", "Share", "Subscribe", "All rights reserved", "Tags"):
        assert debris not in document.text
    assert document.title == TITLE
    assert document.date == "2025-06-10"
    assert document.publisher == "Example Daily"
    assert document.author == "Kim Min-ji"
    assert document.source == "https://news.example.org/2025/06/10/chip-cooperation"
    assert document.language == "en"
    assert document.media_type == "text/html"
    assert document.sha256 == hashlib.sha256(data).hexdigest()


def test_html_page_without_an_article_is_an_error():
    with pytest.raises(CorpusError, match=r"no-article.html: no article text in this page"):
        convert((DATA / "no-article.html").read_bytes(), name="no-article.html", suffix=".html")


# -- PDF -----------------------------------------------------------------------------------------


def test_pdf_text_in_reading_order_without_running_header_and_page_numbers():
    [document] = convert(release_pdf(), name="release.pdf")
    assert document.text.startswith(PDF_BODY + "\n\n")
    assert HEADER not in document.text
    assert not re.search(r"^\s*\d+\s*$", document.text, re.M), "a page number is left"
    assert "semiconductor" in document.text and "photoresist" in document.text and "research centre" in document.text
    assert "U.S.-led" in document.text and "semi-" not in document.text
    assert document.text.rstrip().endswith("\n\nParagraph 29 of the annex follows the release text.")
    assert "text. Paragraph" not in document.text  # one paragraph a line, the one at the top of page 2 too
    assert "\n\nA paragraph broken across the page by the layout of this release goes on after the break without a new paragraph.\n\n" in document.text
    assert document.title == TITLE  # the largest text of the first page (the Info has no title)
    assert document.date == "2025-06-10"  # written on the first page, not the creation date
    assert document.author == "Press office"
    assert document.media_type == "application/pdf"


def test_pdf_reading_order_does_not_depend_on_drawing_order():
    pages = layout(PDF_PARAGRAPHS, title=TITLE)
    scrambled = [list(reversed(page)) for page in pages]
    # one line drawn as two pieces, the right one first
    x, y, size, text = next(line for line in scrambled[0] if line[3].startswith("Bilateral trade"))
    index = scrambled[0].index((x, y, size, text))
    scrambled[0][index : index + 1] = [(x + 210, y, size, text[text.index("Korea"):]), (x, y, size, text[: text.index("Korea")].rstrip())]
    [document] = convert(make_pdf(scrambled), name="scrambled.pdf")
    assert document.text == PDF_BODY


def test_pdf_title_from_its_information_dictionary():
    data = make_pdf(layout(PDF_PARAGRAPHS), info={"Title": "Chip cooperation release", "CreationDate": "D:20250611"})
    [document] = convert(data, name="r.pdf")
    assert document.title == "Chip cooperation release"
    assert document.date == "2025-06-10"


def test_pdf_without_text_layer_is_an_error():
    with pytest.raises(CorpusError, match=r"scan.pdf: the PDF has no text layer .*OCR"):
        convert(make_pdf([[], []], image_only=True), name="scan.pdf")


def test_encrypted_pdf_is_an_error_but_one_without_user_password_is_read():
    with pytest.raises(CorpusError, match=r"locked.pdf: the PDF is encrypted and needs a password"):
        convert(short_pdf(user_password="secret"), name="locked.pdf")
    [document] = convert(short_pdf(user_password=""), name="restricted.pdf")  # owner password only
    assert document.text == PDF_BODY


# -- feeds ---------------------------------------------------------------------------------------


def test_rss_feed_gives_one_document_per_entry():
    data = (DATA / "news.rss").read_bytes()
    first, second = convert(data, name="news.rss")
    assert first.text == BODY and "track(" not in first.text
    assert first.title == TITLE and first.date == "2025-06-10" and first.author == "Kim Min-ji"
    assert first.source == "https://news.example.org/2025/06/10/chip-cooperation"  # tracking parameters dropped
    assert first.publisher == "Example Daily - Asia business" and first.language == "en"
    assert first.media_type == "application/rss+xml" and first.original == "news.rss#entry-1"
    assert first.sha256 == hashlib.sha256(data).hexdigest()
    assert second.text.startswith("Energy ministers of South Korea and Japan met in Busan")
    assert second.date == "2025-06-12"


def test_atom_feed_gives_one_document_per_entry():
    documents = convert((DATA / "news.atom").read_bytes(), name="news.atom")
    assert [d.title for d in documents] == [TITLE, "Hydrogen ministers meet in Busan", "Display makers in Paju and Sakai"]
    assert documents[0].text == BODY
    assert documents[0].date == "2025-06-10"  # published, not updated
    assert documents[1].date == "2025-06-12"  # updated, as nothing else is given
    assert documents[0].media_type == "application/atom+xml"


def test_relative_entry_links_resolve_against_the_feed_address():
    feed = (DATA / "news.rss").read_bytes().replace(b"<link>https://news.example.org/2025/06/12/hydrogen</link>", b"<link>/2025/06/12/hydrogen</link>")
    _, second = convert(feed, name="feed", url="https://news.example.org/asia/feed.rss")
    assert second.source == "https://news.example.org/2025/06/12/hydrogen"


def test_malformed_feed_is_an_error():
    with pytest.raises(CorpusError, match=r"malformed.rss: not a well-formed feed at line \d+"):
        convert((DATA / "malformed.rss").read_bytes(), name="malformed.rss")


# -- kg add: files -------------------------------------------------------------------------------


def run_add(runner, corpus: Path, *sources, extra=()):
    result = runner.invoke(cli, ["add", *map(str, sources), "--corpus", str(corpus), *extra])
    assert "Traceback" not in result.output
    return result


def test_kg_add_stores_each_kind_with_header_and_provenance(runner, tmp_path):
    sources = tmp_path / "saved"
    sources.mkdir()
    for name in ("article.html", "news.rss", "news.atom", "headerless.txt"):
        (sources / name).write_bytes((DATA / name).read_bytes())
    (sources / "release.pdf").write_bytes(release_pdf())
    corpus = tmp_path / "corpus"
    result = run_add(runner, corpus, sources)
    assert result.exit_code == 0, result.output
    stored = sorted(p.name for p in corpus.iterdir())
    # the article once from the page (the same text in both feeds is skipped), once as headerless text
    # and once as PDF (other texts: a title line, a date line), the hydrogen story once (the same
    # address in both feeds), the display story
    assert stored == [
        "display-makers-in-paju-and-sakai-2025.txt",
        "hydrogen-ministers-meet-in-busan-2025.txt",
        "japan-and-south-korea-deepen-chip-cooperation-2025-2.txt",
        "japan-and-south-korea-deepen-chip-cooperation-2025.txt",
        "japan-and-south-korea-deepen-chip-cooperation.txt",
    ], result.output
    skipped = [line for line in result.stderr.splitlines() if line.startswith("Skipped ")]
    assert len(skipped) == 3 and sum("same text" in s for s in skipped) == 2 and sum("same address" in s for s in skipped) == 1
    page = read_article(corpus / "japan-and-south-korea-deepen-chip-cooperation-2025.txt")
    assert page.text[page.body_start : page.body_end] == BODY
    assert (page.id, page.title, page.date, page.publisher, page.author) == (
        "japan-and-south-korea-deepen-chip-cooperation-2025", TITLE, "2025-06-10", "Example Daily", "Kim Min-ji")
    assert page.source == "https://news.example.org/2025/06/10/chip-cooperation"
    assert page.media_type == "text/html" and page.original == "article.html"
    assert page.sha256 == hashlib.sha256((DATA / "article.html").read_bytes()).hexdigest()
    assert page.derived_from.startswith("ni:///sha-256;")
    release = read_article(corpus / "japan-and-south-korea-deepen-chip-cooperation-2025-2.txt")
    assert release.media_type == "application/pdf" and release.original == "release.pdf"
    assert release.text[release.body_start : release.body_end].startswith(PDF_BODY)
    assert not page.warnings and not release.warnings
    # adding again stores nothing new and overwrites nothing
    before = snapshot(corpus)
    again = run_add(runner, corpus, sources)
    assert again.exit_code == 0 and snapshot(corpus) == before
    assert "0 documents added" in again.stderr


def test_headerless_text_is_accepted_titled_from_its_first_line(runner, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_bytes((DATA / "headerless.txt").read_bytes())
    article = read_article(corpus / "note.txt")
    assert article.title == TITLE and article.date is None and article.id == "note"
    assert len(article.warnings) == 1
    assert "no metadata header: title taken from its first line; no date, no source, no publisher" in article.warnings[0]
    added = run_add(runner, tmp_path / "other", DATA / "headerless.txt")
    assert added.exit_code == 0
    assert "missing: date, source, publisher" in added.output
    [path] = (tmp_path / "other").iterdir()
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"Id: japan-and-south-korea-deepen-chip-cooperation\nTitle: {TITLE}\nFormat: text/plain\nOriginal: headerless.txt\nHash: sha256:")
    assert "Date:" not in text
    assert body_of(path) == (DATA / "headerless.txt").read_text(encoding="utf-8").rstrip()


def test_kg_add_never_overwrites_a_different_document(runner, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    taken = corpus / "japan-and-south-korea-deepen-chip-cooperation-2025.txt"
    taken.write_text("Id: other\nTitle: Another story\nDate: 2025-01-01\n\nSony and Toyota met in Nagoya.\n", encoding="utf-8")
    result = run_add(runner, corpus, DATA / "article.html")
    assert result.exit_code == 0
    assert taken.read_text(encoding="utf-8").startswith("Id: other")
    assert (corpus / "japan-and-south-korea-deepen-chip-cooperation-2025-2.txt").exists()
    assert not list(corpus.glob(".*.tmp"))


@pytest.mark.parametrize(
    "name, data, message",
    [
        pytest.param("no-article.html", None, "no article text in this page", id="html-without-article"),
        pytest.param("scan.pdf", make_pdf([[]], image_only=True), "the PDF has no text layer", id="pdf-without-text"),
        pytest.param("locked.pdf", make_pdf(layout(PDF_PARAGRAPHS), user_password="secret"), "the PDF is encrypted", id="encrypted-pdf"),
        pytest.param("malformed.rss", None, "not a well-formed feed", id="malformed-feed"),
        pytest.param("empty.html", b"", "the source is empty", id="empty-file"),
    ],
)
def test_bad_source_is_one_line_error_and_corpus_untouched(runner, tmp_path, name, data, message):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kept.txt").write_bytes((DATA / "clean.txt").read_bytes())
    source = tmp_path / name
    source.write_bytes(data if data is not None else (DATA / name).read_bytes())
    before = snapshot(corpus)
    # a good source beside the bad one is not stored either: all or nothing
    result = run_add(runner, corpus, DATA / "news.atom", source)
    assert result.exit_code == 2
    errors = result.stderr.splitlines()
    assert len(errors) == 1 and errors[0].startswith("Error: ") and message in errors[0] and name in errors[0], result.stderr
    assert result.stdout == ""
    assert snapshot(corpus) == before


def test_keep_going_stores_the_good_sources(runner, tmp_path):
    corpus = tmp_path / "corpus"
    result = run_add(runner, corpus, DATA / "news.atom", DATA / "no-article.html", extra=["--keep-going"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "1 source failed; stored 3 documents"
    assert len(list(corpus.iterdir())) == 3


# -- kg add: URLs --------------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):  # noqa: N802 - http.server's API
        route = self.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404, "Not Found")
            return
        status, headers, body, delay = route
        if delay:
            time.sleep(delay)
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if "Content-Length" not in headers and not callable(body):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            if callable(body):
                body(self.wfile)
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


def _endless(wfile):
    chunk = b"<p>" + b"x" * 65536 + b"</p>"
    for _ in range(200):
        wfile.write(chunk)


@pytest.fixture()
def server(monkeypatch):
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    html = {"Content-Type": "text/html; charset=utf-8"}
    _Handler.routes = {
        "/article.html": (200, html, (DATA / "article.html").read_bytes(), 0),
        "/release.pdf": (200, {"Content-Type": "application/pdf"}, release_pdf(), 0),
        "/feed.rss": (200, {"Content-Type": "application/rss+xml"}, (DATA / "news.rss").read_bytes(), 0),
        "/moved": (301, {"Location": "/article.html"}, b"", 0),
        "/to-file": (302, {"Location": "file:///etc/passwd"}, b"", 0),
        "/slow": (200, html, (DATA / "article.html").read_bytes(), 3),
        "/big": (200, html, _endless, 0),
        "/big-declared": (200, {**html, "Content-Length": "999999999"}, b"", 0),
        "/image.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n", 0),
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_kg_add_urls_page_pdf_feed_and_redirect(runner, tmp_path, server):
    corpus = tmp_path / "corpus"
    result = run_add(runner, corpus, f"{server}/moved", f"{server}/release.pdf", f"{server}/feed.rss")
    assert result.exit_code == 0, result.output
    page = read_article(corpus / "japan-and-south-korea-deepen-chip-cooperation-2025.txt")
    assert page.text[page.body_start : page.body_end] == BODY
    assert page.original == f"{server}/article.html"  # where the bytes came from, after the redirect
    assert page.derived_from == f"{server}/article.html"
    assert page.source == "https://news.example.org/2025/06/10/chip-cooperation"  # the page's canonical address
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", page.retrieved)
    assert "redirected from" in result.output
    pdf = read_article(corpus / "japan-and-south-korea-deepen-chip-cooperation-2025-2.txt")
    assert pdf.media_type == "application/pdf" and pdf.source == f"{server}/release.pdf"
    assert pdf.sha256 == hashlib.sha256(release_pdf()).hexdigest()
    hydrogen = read_article(corpus / "hydrogen-ministers-meet-in-busan-2025.txt")
    assert hydrogen.original == f"{server}/feed.rss#entry-2" and hydrogen.media_type == "application/rss+xml"
    assert len(list(corpus.iterdir())) == 3  # the feed's first entry is the page again


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "path, message",
    [
        ("/missing", "HTTP 404"),
        ("/slow", "no answer within 0.5 s"),
        ("/big", "larger than the limit of 1,000,000 bytes"),
        ("/big-declared", "999,999,999 bytes, more than the limit"),
        ("/image.png", "content type 'image/png' is not a web page, PDF, feed or text"),
        ("/to-file", "only http and https addresses are fetched, not 'file'"),
        ("UNREACHABLE", "cannot reach the server"),
        ("file:///etc/passwd", "only http and https addresses are fetched, not 'file'"),
        ("ftp://127.0.0.1/x.pdf", "only http and https addresses are fetched, not 'ftp'"),
    ],
)
def test_bad_url_is_one_line_error_and_corpus_untouched(runner, tmp_path, server, path, message):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kept.txt").write_bytes((DATA / "clean.txt").read_bytes())
    before = snapshot(corpus)
    url = f"http://127.0.0.1:{_closed_port()}/x.html" if path == "UNREACHABLE" else path if ":" in path else server + path
    started = time.monotonic()
    result = run_add(runner, corpus, url, extra=["--timeout", "0.5", "--max-bytes", "1000000"])
    assert time.monotonic() - started < 2.5
    assert result.exit_code == 2
    errors = result.stderr.splitlines()
    assert len(errors) == 1 and errors[0].startswith("Error: ") and message in errors[0], result.stderr
    assert snapshot(corpus) == before


def test_fetch_reports_the_final_address_and_media_type(server):
    fetched = fetch(f"{server}/moved", timeout=5)
    assert fetched.final_url == f"{server}/article.html" and fetched.media_type == "text/html"
    assert fetched.data == (DATA / "article.html").read_bytes()


# -- kg build: the same facts from every kind of source ----------------------------------------


def _facts(nlp, corpus: Path):
    from kg.build import build_graph

    result = build_graph([corpus], nlp=nlp)
    [document] = result.documents
    doc_id = document.article.id
    entities = {e.id.replace(doc_id, "DOC") for e in document.entities}
    figures = {(f.value, f.unit, f.measure, f.period, f.kind, f.subjects) for f in document.figures}
    return entities, figures, result.warnings


@pytest.mark.slow
def test_extraction_is_the_same_from_every_kind_of_source(nlp, runner, tmp_path):
    clean_dir = tmp_path / "clean"
    clean_dir.mkdir()
    (clean_dir / "clean.txt").write_bytes((DATA / "clean.txt").read_bytes())
    expected_entities, expected_figures, _ = _facts(nlp, clean_dir)
    assert {"japan", "south-korea", "samsung-electronics", "sk-hynix", "chip-4"} <= expected_entities
    assert {f[0] for f in expected_figures} >= {"88300000000", "12", "1500000000"}
    pdf = tmp_path / "release.pdf"
    pdf.write_bytes(short_pdf())
    atom_only = tmp_path / "atom"
    atom_only.mkdir()
    sources = {
        "html": [DATA / "article.html"],
        "pdf": [pdf],
        "rss": [DATA / "news.rss"],
        "atom": [DATA / "news.atom"],
        "headerless": [DATA / "headerless.txt"],
    }
    for kind, paths in sources.items():
        corpus = tmp_path / kind
        result = run_add(runner, corpus, *paths)
        assert result.exit_code == 0, result.output
        chosen = [p for p in corpus.iterdir() if p.name.startswith("japan-and-south-korea")]
        assert len(chosen) == 1, kind
        for other in corpus.iterdir():
            if other not in chosen:
                other.unlink()
        entities, figures, warnings = _facts(nlp, corpus)
        if kind == "headerless":
            # its first line, the title, is body text here: compare with the same text under a header
            # without a date (with one, "the previous year" resolves: the periods would differ)
            assert any("no date in its header" in w for w in warnings)  # kg add wrote a header without a date
            with_header = tmp_path / "with-header"
            with_header.mkdir()
            (with_header / "headed-copy.txt").write_text(
                f"Title: {TITLE}\n\n" + (DATA / "headerless.txt").read_text(encoding="utf-8"), encoding="utf-8"
            )
            expected_entities, expected_figures, _ = _facts(nlp, with_header)
        assert entities == expected_entities, kind
        assert figures == expected_figures, kind


@pytest.mark.slow
def test_kg_build_warns_about_headerless_text_and_files_left_to_kg_add(nlp, runner, tmp_path, monkeypatch):
    monkeypatch.setattr("kg.nlp.make_nlp", lambda: nlp)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_bytes((DATA / "headerless.txt").read_bytes())
    (corpus / "page.html").write_bytes((DATA / "article.html").read_bytes())
    result = runner.invoke(cli, ["build", str(corpus), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    assert len(warnings) == 2, warnings
    assert "1 file that kg build does not read" in warnings[0] and "page.html" in warnings[0] and "kg add" in warnings[0]
    assert "note.txt: no metadata header: title taken from its first line; no date, no source, no publisher" in warnings[1]
    assert ", 2 warnings; wrote " in result.stdout
    from rdflib import Dataset, Literal
    from rdflib.namespace import DCTERMS

    from kg.namespace import DOC

    graph = Dataset().parse(tmp_path / "out" / "graph.trig", format="trig")
    assert (DOC["note"], DCTERMS.title, Literal(TITLE)) in graph.graph(DOC["note"])
    assert not list(graph.graph(DOC["note"]).objects(DOC["note"], DCTERMS.date))


def test_text_ending_in_debris_and_indented_is_stored_as_given(runner, tmp_path):
    source = tmp_path / "memo.txt"
    source.write_text("  Sony and Toyota met in Nagoya on Monday to discuss battery supply chains in 2025.\n\nSubscribe to our newsletter\n", encoding="utf-8")
    result = run_add(runner, tmp_path / "corpus", source, extra=["--id", "memo"])
    assert result.exit_code == 0, result.output
    stored = (tmp_path / "corpus" / "memo.txt").read_text(encoding="utf-8")
    assert stored.endswith("\n\nSony and Toyota met in Nagoya on Monday to discuss battery supply chains in 2025.\n\nSubscribe to our newsletter\n")
    article = read_article(tmp_path / "corpus" / "memo.txt")
    assert article.id == "memo" and "Subscribe" not in article.body


def test_a_failed_write_takes_back_what_the_run_stored(runner, tmp_path, monkeypatch):
    import kg.ingest.add as add

    real_store, calls = add._store, []

    def failing_store(path, text):
        calls.append(path)
        if len(calls) == 2:
            raise CorpusError(f"{path}: cannot write (No space left on device); free space or choose another --corpus")
        return real_store(path, text)

    monkeypatch.setattr(add, "_store", failing_store)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    result = run_add(runner, corpus, DATA / "news.atom")
    assert result.exit_code == 2 and "No space left on device" in result.stderr
    assert list(corpus.iterdir()) == []


def test_a_page_named_to_kg_build_is_read_as_text_with_a_warning_and_a_pdf_points_to_kg_add(tmp_path):
    from kg.corpus import load_corpus

    page = tmp_path / "page.html"
    page.write_bytes((DATA / "article.html").read_bytes())
    corpus = load_corpus([page])
    assert any("page.html: a saved web page or feed read as plain text" in w and "kg add" in w for w in corpus.warnings)
    pdf = tmp_path / "release.pdf"
    pdf.write_bytes(short_pdf())
    with pytest.raises(CorpusError, match=r"release.pdf: .*this looks like a PDF document, not text; convert it with `kg add FILE`"):
        load_corpus([pdf])

"""Bad-input catalogue (/work/shared/bad-inputs.md), text items: each case end to end through `kg build`.

E cases: one line "Error: ...", exit 2, previous outputs untouched. G cases: exit 0, the warning
on stderr and counted in the summary, nothing lost, and the graph checked.
"""

from __future__ import annotations

import codecs
import gzip
import re
import unicodedata

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.cli import cli
from kg.serialize import serialize
from kg.extract.segmentation import CJK, LATIN
from kg.namespace import DOC, ENTITY, JKT, NIF


HEADER = "Title: {title}\nDate: 2025-06-10\n\n"
BODY = (
    "Samsung Electronics and SK Hynix expanded their investment in Japan in 2025.\n"
    "Tokyo and Seoul agreed to deepen cooperation on semiconductors."
)
ARTICLE = HEADER.format(title="Chipmakers expand") + BODY + "\n"
PREVIOUS = "previous output"


@pytest.fixture()
def kg_build(nlp, runner, tmp_path, monkeypatch):
    """Run `kg build CORPUS --out OUT [ARGS]` with the session's pipeline; OUT holds an old graph.ttl."""
    monkeypatch.setattr("kg.nlp.make_nlp", lambda: nlp)
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_text(PREVIOUS, encoding="utf-8")

    def run(corpus, *args):
        result = runner.invoke(cli, ["build", str(corpus), "--out", str(out), *args])
        assert "Traceback" not in result.output
        return result, out

    return run


@pytest.fixture()
def corpus(tmp_path):
    """A corpus directory holding one good article (good.txt)."""
    path = tmp_path / "corpus"
    path.mkdir()
    (path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    return path


def warnings_of(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]


def assert_built(result, warnings: int) -> None:
    """Exit 0, the summary counts `warnings`, and stderr shows as many warning lines."""
    assert result.exit_code == 0, result.output
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(rf", {warnings} warnings?; wrote ", summary), summary
    assert len(warnings_of(result)) == warnings, result.stderr


def assert_refused(result, out, *messages: str) -> None:
    """Exit 2, one line naming what is wrong, and the previous graph.ttl untouched."""
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for message in messages:
        assert message in lines[0]
    assert (out / "graph.ttl").read_text(encoding="utf-8") == PREVIOUS


def graph_of(out) -> Graph:
    return Graph().parse(out / "graph.ttl")


def stored_text(graph: Graph, doc_id: str) -> str:
    return str(graph.value(DOC[doc_id], NIF.isString))


def labels(graph: Graph) -> list[str]:
    return [str(o) for p in (RDFS.label, SKOS.prefLabel) for s, o in graph.subject_objects(p) if str(s).startswith(str(ENTITY))]


def assert_offsets_valid(graph: Graph, doc_id: str) -> None:
    """Every sentence and mention of the document slices its stored text to its anchor."""
    text = stored_text(graph, doc_id)
    spans = [s for s in graph.subjects(NIF.referenceContext, DOC[doc_id])]
    assert spans
    for span in spans:
        begin, end = int(graph.value(span, NIF.beginIndex)), int(graph.value(span, NIF.endIndex))
        anchor = str(graph.value(span, NIF.anchorOf))
        assert len(text[begin:end]) == len(anchor)
        if (span, RDF.type, JKT.Sentence) in graph:
            assert text[begin:end] == anchor


def entity_ids(graph: Graph) -> set[str]:
    return {str(s)[len(str(ENTITY)) :] for s in graph.subjects(RDF.type, None) if str(s).startswith(str(ENTITY))}


# -- 1, 2: empty documents are skipped ---------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "data, reason",
    [
        pytest.param(b"", "the file is empty", id="case-01-empty"),
        pytest.param(b" \n\t\r\n  \n", "only whitespace", id="case-02-whitespace"),
        pytest.param(codecs.BOM_UTF8, "only a byte-order mark", id="case-02-bom-only"),
        pytest.param(codecs.BOM_UTF8 + b"\n \n", "only whitespace", id="case-02-bom-and-whitespace"),
        pytest.param(codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "only whitespace", id="case-02-utf16-whitespace"),
        pytest.param(b"Title: header only\nDate: 2025-01-01\n\n", "no body text", id="case-01-header-only"),
    ],
)
def test_empty_document_is_skipped_with_a_warning(kg_build, corpus, data, reason):
    (corpus / "empty.txt").write_bytes(data)
    result, out = kg_build(corpus)
    assert_built(result, warnings=1)
    assert reason in warnings_of(result)[0] and "empty.txt" in warnings_of(result)[0] and "skipped" in warnings_of(result)[0]
    assert result.stdout.startswith("Built 1 documents")
    assert set(graph_of(out).subjects(RDF.type, JKT.Document)) == {DOC["good"]}


@pytest.mark.slow
@pytest.mark.parametrize("data", [pytest.param(b"", id="case-01"), pytest.param(codecs.BOM_UTF8 + b"  \n", id="case-02")])
def test_nothing_ingested_is_an_error(kg_build, tmp_path, data):
    corpus = tmp_path / "only-empty"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes(data)
    result, out = kg_build(corpus)
    assert_refused(result, out, "Nothing to build", "a.txt", "skipped")


# -- 3, 4: binary and non-UTF-8 files are errors -----------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "data, byte, kind",
    [
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", 10, "PDF", id="case-03-pdf"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01", 0, "PNG", id="case-03-png"),
        pytest.param(gzip.compress(ARTICLE.encode("utf-8"), mtime=0), 1, "gzip", id="case-03-gzip"),
    ],
)
def test_binary_file_is_an_error_naming_file_and_byte(kg_build, corpus, data, byte, kind):
    (corpus / "scan.txt").write_bytes(data)
    result, out = kg_build(corpus)
    assert_refused(result, out, "scan.txt", f"not valid UTF-8 at byte {byte}", kind)


@pytest.mark.slow
def test_case_03_zero_bytes_without_a_signature_are_binary(kg_build, corpus):
    (corpus / "blob.txt").write_bytes(b"ABCD\x00\x00\x00\x01\x00\x00\x00\x02" * 50)
    result, out = kg_build(corpus)
    assert_refused(result, out, "blob.txt", "bytes are zero", "binary")


CP1252 = HEADER.format(title="Caf\u00e9 talks") + "Samsung said the \u201ccaf\u00e9 summit\u201d in Tokyo went well.\n"


@pytest.mark.slow
def test_case_04_cp1252_is_an_error_without_encoding(kg_build, corpus):
    (corpus / "latin.txt").write_bytes(CP1252.encode("cp1252"))
    result, out = kg_build(corpus)
    assert_refused(result, out, "latin.txt", "not valid UTF-8 at byte", "--encoding")


@pytest.mark.slow
def test_case_04_cp1252_is_decoded_with_encoding(kg_build, corpus):
    (corpus / "latin.txt").write_bytes(CP1252.encode("cp1252"))
    result, out = kg_build(corpus, "--encoding", "cp1252")
    assert_built(result, warnings=1)
    assert "decoded as cp1252" in warnings_of(result)[0]
    text = stored_text(graph_of(out), "latin")
    assert text == CP1252 and "\ufffd" not in text


@pytest.mark.slow
def test_case_04_undefined_byte_in_the_given_encoding_is_an_error(kg_build, corpus):
    (corpus / "latin.txt").write_bytes(CP1252.encode("cp1252") + b"\x81\n")  # 0x81 is unassigned in cp1252
    result, out = kg_build(corpus, "--encoding", "cp1252")
    assert_refused(result, out, "latin.txt", "not valid cp1252 at byte")


@pytest.mark.slow
def test_case_04_unknown_encoding_is_an_error(kg_build, corpus):
    result, out = kg_build(corpus, "--encoding", "no-such-codec")
    assert_refused(result, out, "no-such-codec", "not a text encoding")


# -- 5, 6: byte-order marks and UTF-16 -----------------------------------------------------------


@pytest.mark.slow
def test_case_05_utf8_bom_is_removed_and_offsets_count_from_after_it(kg_build, corpus):
    (corpus / "bom.txt").write_bytes(codecs.BOM_UTF8 + ARTICLE.replace("expand", "grow").encode("utf-8"))
    result, out = kg_build(corpus)
    assert_built(result, warnings=1)
    assert "byte-order mark removed" in warnings_of(result)[0]
    graph = graph_of(out)
    assert stored_text(graph, "bom") == ARTICLE.replace("expand", "grow")  # the decoded text, without the BOM
    assert_offsets_valid(graph, "bom")
    assert (DOC["bom"], RDFS.label, Literal("Chipmakers grow")) in graph


@pytest.mark.slow
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le"], ids=["case-06-le", "case-06-be", "case-06-utf32"])
def test_case_06_utf16_with_bom_is_decoded(kg_build, corpus, codec):
    text = HEADER.format(title="\ud55c\uc77c \ubc18\ub3c4\uccb4 talks") + BODY + " \u6771\u4eac \U0001f600\n"
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE}[codec]
    (corpus / "wide.txt").write_bytes(bom + text.encode(codec))
    (corpus / "good.txt").unlink()
    result, out = kg_build(corpus)
    assert_built(result, warnings=1)
    assert f"decoded as {codec.upper()}" in warnings_of(result)[0]
    graph = graph_of(out)
    assert stored_text(graph, "wide") == text
    assert {"samsung-electronics", "sk-hynix", "japan"} <= entity_ids(graph)
    assert_offsets_valid(graph, "wide")


@pytest.mark.slow
def test_case_06_utf16_without_bom_is_recognised(kg_build, corpus):
    (corpus / "wide.txt").write_bytes(ARTICLE.replace("expand", "grow").encode("utf-16-le"))
    result, out = kg_build(corpus)
    assert_built(result, warnings=1)
    assert "no byte-order mark" in warnings_of(result)[0]
    assert stored_text(graph_of(out), "wide") == ARTICLE.replace("expand", "grow")


# -- 7, 8: control characters and lone surrogates -----------------------------------------------


@pytest.mark.slow
def test_case_07_control_characters_become_spaces_and_rdfxml_works(kg_build, corpus, tmp_path):
    dirty = ARTICLE.replace("expanded", "ex\x00pan\x07ded").replace("Tokyo", "Tokyo\x1b\x0b").replace("2025.", "2025.\x7f\x85")
    (corpus / "good.txt").write_text(dirty, encoding="utf-8")
    result, out = kg_build(corpus)
    assert_built(result, warnings=1)
    assert "6 control characters replaced by spaces" in warnings_of(result)[0]
    graph = graph_of(out)
    text = stored_text(graph, "good")
    assert len(text) == len(dirty) and text == re.sub("[\x00\x07\x1b\x0b\x7f\x85]", " ", dirty)
    for literal in graph.objects():
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", str(literal))
    assert_offsets_valid(graph, "good")
    assert b"Tokyo" in serialize(graph, "xml")
    assert {"samsung-electronics", "japan", "seoul"} <= entity_ids(graph)


@pytest.mark.slow
def test_case_08_lone_surrogates_are_replaced_and_counted(kg_build, corpus):
    data = ARTICLE.encode("utf-8").replace(b"Tokyo", b"Tokyo\xed\xa0\x80").replace(b"Seoul", b"Seoul\xed\xb0\x80 \xed\xa0\xbd\xed\xb8\x80")
    (corpus / "good.txt").write_bytes(data)
    result, out = kg_build(corpus)
    assert_built(result, warnings=1)
    assert "2 lone surrogates replaced by U+FFFD" in warnings_of(result)[0]
    text = stored_text(graph_of(out), "good")
    assert "Tokyo\ufffd" in text and "Seoul\ufffd \U0001f600" in text  # a valid pair (CESU-8) is joined
    assert not re.search("[\ud800-\udfff]", text)


# -- 9: large files ------------------------------------------------------------------------------


@pytest.mark.slow
def test_case_09_max_bytes_refuses_a_larger_file(kg_build, corpus):
    (corpus / "huge.txt").write_bytes(ARTICLE.encode("utf-8") + b"Filler text about chips.\n" * 120_000)  # 3 MB
    size = (corpus / "huge.txt").stat().st_size
    result, out = kg_build(corpus, "--max-bytes", "1000000")
    assert_refused(result, out, "huge.txt", f"{size:,} bytes", "--max-bytes 1,000,000")


@pytest.mark.slow
def test_case_09_long_document_is_processed_in_chunks(kg_build, corpus, nlp, monkeypatch):
    paragraph = BODY + " Samsung Electronics plans a new plant in Kumamoto.\n\n"
    body = "".join(paragraph.replace("2025", str(1900 + k % 120)) for k in range(200))  # ~40,000 characters
    (corpus / "good.txt").write_text(HEADER.format(title="Long") + body, encoding="utf-8")
    monkeypatch.setattr(nlp, "max_length", 8_000)
    result, out = kg_build(corpus)
    assert_built(result, warnings=1)
    parts = int(re.search(r"processed in (\d+) parts", warnings_of(result)[0]).group(1))
    assert parts >= len(body) // 8_000
    graph = graph_of(out)
    assert stored_text(graph, "good") == HEADER.format(title="Long") + body
    assert_offsets_valid(graph, "good")
    # mentions from the last part too, and each paragraph's sentences intact (cuts at paragraph ends)
    ends = sorted(int(graph.value(m, NIF.endIndex)) for m in graph.subjects(RDF.type, JKT.Mention))
    assert ends[-1] > len(body) - len(paragraph)
    sentences = {str(o) for s, o in graph.subject_objects(NIF.anchorOf) if (s, RDF.type, JKT.Sentence) in graph}
    assert "Samsung Electronics plans a new plant in Kumamoto." in sentences


# -- 10: a huge sentence without punctuation -----------------------------------------------------


@pytest.mark.slow
def test_case_10_unpunctuated_text_is_cut_into_bounded_sentences(kg_build, corpus):
    words = "the ministry said that officials would meet again next month to discuss rules for chip makers and their suppliers in Seoul".split()
    body = " ".join(words[k % len(words)] for k in range(36_000))  # ~200 KB, no full stop, one line
    (corpus / "good.txt").write_text(HEADER.format(title="Run-on") + body + "\n", encoding="utf-8")
    result, out = kg_build(corpus)
    assert_built(result, warnings=2)  # processed in parts, and cut into sentences
    assert any("cut into sentences" in w for w in warnings_of(result))
    graph = graph_of(out)
    sentences = [str(o) for s, o in graph.subject_objects(NIF.anchorOf) if (s, RDF.type, JKT.Sentence) in graph]
    assert len(sentences) >= 36_000 // 250
    assert max(len(s.split()) for s in sentences) <= 250 and max(map(len, sentences)) <= 3000
    assert_offsets_valid(graph, "good")


# -- 12, 13: HTML and scraping debris ------------------------------------------------------------

HTML_BODY = (
    "<div class='article'><p>Samsung Electronics and SK&nbsp;Hynix expanded in Japan.</p>\n"
    "<div class='ad'>Advertisement</div>\n"
    "<p>AT&amp;T and Sony&#39;s unit met officials in Tokyo &mdash; and in Seoul.</p>"
    "<script>var label = '<b>Samsung</b>';</script><!-- tracking --></div>\n"
)


@pytest.mark.slow
def test_case_12_html_tags_and_references_never_reach_labels(kg_build, corpus):
    text = HEADER.format(title="Chips &amp; talks") + HTML_BODY
    (corpus / "page.txt").write_text(text, encoding="utf-8")
    (corpus / "good.txt").unlink()
    result, out = kg_build(corpus)
    assert_built(result, warnings=1)
    assert "HTML tags blanked" in warnings_of(result)[0] and "character references decoded" in warnings_of(result)[0]
    graph = graph_of(out)
    assert stored_text(graph, "page") == text  # stored as published
    for label in labels(graph):
        assert "<" not in label and "class=" not in label and "&amp;" not in label and "&nbsp;" not in label, label
    assert {"samsung-electronics", "sk-hynix", "japan", "sony", "tokyo", "seoul"} <= entity_ids(graph)
    assert "advertisement" not in entity_ids(graph)
    assert_offsets_valid(graph, "page")
    mention_texts = {str(o) for s, o in graph.subject_objects(NIF.anchorOf) if (s, RDF.type, JKT.Mention) in graph}
    assert not any("<" in t or "&nbsp;" in t for t in mention_texts)


@pytest.mark.slow
def test_case_12_angle_brackets_that_are_not_html_stay(kg_build, corpus):
    body = "Shares of <Korea Herald> readers rose <5% as Samsung Electronics met officials in Tokyo.\n"
    (corpus / "good.txt").write_text(HEADER.format(title="Brackets") + body, encoding="utf-8")
    result, out = kg_build(corpus)
    assert_built(result, warnings=0)
    sentences = {str(o) for s, o in graph_of(out).subject_objects(NIF.anchorOf)}
    assert body.strip() in sentences


@pytest.mark.slow
def test_case_13_debris_lines_never_become_nodes(kg_build, corpus):
    debris = "Advertisement\n" + BODY.replace("2025.", "2025.\n<p>Comments</p>\nAdvertisement") + "\nComments\nPlease log in or register to join the discussion\nAdvert\n"
    (corpus / "good.txt").write_text(HEADER.format(title="Debris") + debris, encoding="utf-8")
    result, out = kg_build(corpus)
    assert_built(result, warnings=1)  # the <p> tags
    graph = graph_of(out)
    mention_texts = {str(o) for s, o in graph.subject_objects(NIF.anchorOf) if (s, RDF.type, JKT.Mention) in graph}
    for word in ("Advert", "Comments", "Please log in", "register"):
        assert not any(word in label for label in labels(graph)), word
        assert not any(word in text for text in mention_texts), word
    assert {"samsung-electronics", "japan", "seoul"} <= entity_ids(graph)


# -- 14, 15, 16: scripts, normalisation, invisible characters -----------------------------------

_MIXED = re.compile(f"[{LATIN}].*[{CJK}]|[{CJK}].*[{LATIN}]")


@pytest.mark.slow
def test_case_14_no_entity_mixes_latin_and_cjk(kg_build, corpus):
    text = HEADER.format(title="\u65e5\u672c/\ud55c\uad6d/English") + (
        "Officials in Tokyo\u6771\u4eac and Seoul\uc11c\uc6b8 met Hanmi\ud55c\ubbf8\ubc18\ub3c4\uccb4 executives.\n"
        "Samsung\uc0bc\uc131\uc804\uc790 and Sony\u30bd\u30cb\u30fc signed a deal with \u30c8\u30e8\u30bfToyota.\n"
    )
    (corpus / "good.txt").write_text(text, encoding="utf-8")
    result, out = kg_build(corpus)
    assert_built(result, warnings=0)
    graph = graph_of(out)
    assert stored_text(graph, "good") == text  # byte-exact after the round trip
    assert labels(graph)
    for label in labels(graph):
        assert not _MIXED.search(label), label
    assert {"tokyo", "seoul", "samsung-electronics", "sony"} <= entity_ids(graph)
    assert_offsets_valid(graph, "good")


@pytest.mark.slow
def test_case_15_nfc_and_nfd_name_the_same_node(kg_build, corpus):
    sentence = "Ren\u00e9e Dupont, chief executive of Caf\u00e9 Lumi\u00e8re Holdings, said the deal with Samsung was signed.\n"
    (corpus / "good.txt").write_text(HEADER.format(title="NFC") + unicodedata.normalize("NFC", sentence), encoding="utf-8")
    (corpus / "nfd.txt").write_text(HEADER.format(title="NFD") + unicodedata.normalize("NFD", sentence), encoding="utf-8")
    result, out = kg_build(corpus)
    assert_built(result, warnings=0)
    graph = graph_of(out)
    node = ENTITY["cafe-lumiere-holdings"]
    assert list(graph.objects(node, RDFS.label)) == [Literal("Caf\u00e9 Lumi\u00e8re Holdings", lang="en")]
    mentions = set(graph.subjects(URIRef("http://www.w3.org/2005/11/its/rdf#taIdentRef"), node))
    assert {str(m).split("#")[0] for m in mentions} == {str(DOC["good"]), str(DOC["nfd"])}
    # stored text stays as published
    assert stored_text(graph, "nfd").endswith(unicodedata.normalize("NFD", sentence))


INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"


@pytest.mark.slow
def test_case_16_zero_width_and_bidi_characters_never_reach_iris_or_labels(kg_build, corpus):
    text = HEADER.format(title="Hidden\u200b \u202etitle") + (
        "Samsung Electronics\u200b and \u202eSK Hynix\u202c expanded in Japan\u200d.\n"
        "Hanmi\u2060 Semiconductor\u200b Co. and \u2067Tokyo\u2069 officials met in Seoul\ufeff.\n"
    )
    (corpus / "good.txt").write_text(text, encoding="utf-8")
    result, out = kg_build(corpus)
    assert_built(result, warnings=1)
    assert "9 zero-width or bidi characters blanked" in warnings_of(result)[0]
    graph = graph_of(out)
    assert stored_text(graph, "good") == text
    for term in {t for triple in graph for t in triple if isinstance(t, URIRef)}:
        assert not any(c in str(term) for c in INVISIBLE), term
    for label in labels(graph) + [str(graph.value(DOC["good"], RDFS.label))]:
        assert not any(c in label for c in INVISIBLE), label
    assert {"samsung-electronics", "sk-hynix", "japan", "tokyo", "seoul"} <= entity_ids(graph)
    assert_offsets_valid(graph, "good")


# -- 24, 26: duplicates and shared titles; documents without a date ------------------------------


@pytest.mark.slow
def test_case_24_same_text_twice_is_skipped_by_content_hash(kg_build, corpus, tmp_path):
    single, _ = kg_build(corpus)
    assert_built(single, warnings=0)
    once = len(graph_of(tmp_path / "out"))
    (corpus / "copy.txt").write_text(ARTICLE.replace("Title: Chipmakers expand", "Id: zz-copy\nTitle: Copied"), encoding="utf-8")
    result, out = kg_build(corpus)
    assert_built(result, warnings=1)
    assert "copy.txt: same text as" in warnings_of(result)[0] and "good.txt" in warnings_of(result)[0]
    graph = graph_of(out)
    assert len(graph) == once
    assert set(graph.subjects(RDF.type, JKT.Document)) == {DOC["good"]}


@pytest.mark.slow
def test_case_26_same_title_gives_two_document_iris(kg_build, corpus):
    (corpus / "other.txt").write_text(HEADER.format(title="Chipmakers expand") + "Sony and Toyota met in Nagoya.\n", encoding="utf-8")
    result, out = kg_build(corpus)
    assert_built(result, warnings=0)
    graph = graph_of(out)
    documents = set(graph.subjects(RDF.type, JKT.Document))
    assert documents == {DOC["good"], DOC["other"]}
    assert {str(graph.value(d, RDFS.label)) for d in documents} == {"Chipmakers expand"}


@pytest.mark.slow
def test_document_without_a_date_is_a_warning(kg_build, corpus):
    (corpus / "undated.txt").write_text("Title: Undated\n\nSony and Toyota met in Nagoya.\n", encoding="utf-8")
    result, out = kg_build(corpus, "-q")
    assert result.exit_code == 0 and result.stdout == ""
    assert warnings_of(result) == [
        f"Warning: {corpus / 'undated.txt'}: no date in its header; add 'Date: YYYY-MM-DD' so that periods such as 'last year' resolve"
    ]
    result, out = kg_build(corpus)
    assert_built(result, warnings=1)

"""Wire stories: datelines are no actors, and an entity typed two ways in two documents gets one class."""

from __future__ import annotations

from rdflib import RDF, URIRef

from kg.build import build_graph
from kg.corpus import dateline_end, parse_article
from kg.facts import DocumentFacts, Entity
from kg.graph import merge_entities


def test_datelines_are_blanked_in_the_body_and_kept_in_the_stored_text():
    text = "Id: w\nTitle: Wire\n\nSEOUL, Jan. 15 (Yonhap) -- Exports rose 5% in 2023.\nBEIJING -- Talks ended.\nU.S. - Japan ties held.\n"
    article = parse_article(text, "w.txt")
    assert "Yonhap" not in article.body and "BEIJING" not in article.body
    assert "U.S. - Japan ties held." in article.body
    assert article.text == text  # stored as published; offsets of the body still index it
    assert article.body.index("Exports") + article.body_start == text.index("Exports")
    assert (dateline_end("AI -- a new era"), dateline_end("Japan - the talks")) == (0, 0)


def test_a_dateline_agency_and_city_are_no_partners(tmp_path, nlp):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Id: a\nTitle: Trade\nDate: 2024-01-15\n\n"
        "SEOUL, Jan. 15 (Yonhap) -- South Korea's trade with Japan fell 8% in 2023.\n", encoding="utf-8")
    (corpus / "b.txt").write_text(
        "Id: b\nTitle: Talks\nDate: 2024-02-01\n\n"
        "TOKYO -- Officials met in Tokyo on Monday to discuss chip supplies with South Korea.\n", encoding="utf-8")
    result = build_graph([corpus], nlp=nlp)
    yonhap = URIRef("https://w3id.org/jk-tech/id/yonhap")
    assert not list(result.graph.triples((None, None, yonhap)))
    assert not list(result.graph.triples((yonhap, None, None)))
    for node in set(result.graph.subjects(RDF.type, None)):
        if str(node).startswith("https://w3id.org/jk-tech/id/"):
            classes = set(result.graph.objects(node, RDF.type))
            assert len(classes) == 1, (node, classes)


def test_merged_entities_take_the_description_most_documents_give():
    def facts(doc_id: str, *entities: Entity) -> DocumentFacts:
        article = parse_article(f"Id: {doc_id}\nTitle: t\n\nText.\n", f"{doc_id}.txt")
        return DocumentFacts(article=article, entities=entities)

    place, company = Entity("busan", "Place", "Busan"), Entity("busan", "Company", "BUSAN")
    merged = merge_entities([facts("a", place), facts("b", company), facts("c", place)])
    assert merged == [place]
    known = Entity("japan", "Country", "Japan", "Q17", True)
    assert merge_entities([facts("a", Entity("japan", "Company", "JAPAN")), facts("b", Entity("japan", "Company", "JAPAN")),
                           facts("c", known)]) == [known]


def test_a_sentence_after_a_title_line_is_not_cut_before_a_lower_case_word(nlp):
    from kg.nlp import make_doc

    text = "Korea and Japan deepen ties\n\nSeoul and Tokyo agreed on Tuesday to widen work on hydrogen supply chains, officials said. They met again."
    sentences = [s.text.strip() for s in nlp(make_doc(nlp, text)).sents]
    assert "Seoul and Tokyo agreed on Tuesday to widen work on hydrogen supply chains, officials said." in sentences
    assert "They met again." in sentences

"""Ingest: headers, debris removal with offsets kept, and clear errors."""

from __future__ import annotations

import pytest

from kg.corpus import is_debris, parse_article, read_article, read_corpus
from kg.errors import CorpusError

from .conftest import CORPUS, DATA


def test_header_and_body_offsets():
    text = "Title: T\nSource: https://x.org/a\nDate: 2025-01-02\n\nBody line one.\nBody two.\n"
    article = parse_article(text, "a.txt")
    assert article.id == "a"
    assert (article.title, article.source, article.date, article.year) == ("T", "https://x.org/a", "2025-01-02", 2025)
    assert article.text[article.body_start : article.body_end] == "Body line one.\nBody two."
    assert article.body == "Body line one.\nBody two."


def test_front_matter_block():
    article = read_article(DATA / "corpus" / "beta.md")
    assert article.id == "beta" and article.date == "2023-03-20"
    assert article.body.startswith("Japan's Ministry")


def test_trailing_debris_is_cut_and_offsets_stay_valid():
    article = read_article(DATA / "corpus" / "alpha.txt")
    assert article.body.endswith("together with Taiwan.")
    assert "Comments" not in article.body and "log in" not in article.body
    # the stored text is untouched; the body is a slice of it
    stored = (DATA / "corpus" / "alpha.txt").read_text(encoding="utf-8")
    assert article.text == stored
    assert stored[article.body_start : article.body_end] == article.body


def test_debris_inside_the_body_is_blanked_with_same_length():
    text = "First paragraph.\nShare on Facebook, Twitter\nSecond paragraph.\n"
    article = parse_article(text, "x.txt")
    assert len(article.body) == article.body_end - article.body_start
    assert "Share" not in article.body
    assert article.body.index("Second") == text.index("Second") - article.body_start


@pytest.mark.parametrize(
    "line",
    ["Comments", "Please log in or register to join the discussion", "Share this article", "We use cookies to improve your experience.",
     "Subscribe to our newsletter", "Advertisement", "Facebook Twitter LinkedIn"],
)
def test_debris_lines(line):
    assert is_debris(line)


@pytest.mark.parametrize(
    "line",
    ["Comments from the minister were positive.", "Samsung shares rose 3%.", "Share of exports fell to 12%.", "Log-in data leaked in 2024."],
)
def test_article_lines_are_not_debris(line):
    assert not is_debris(line)


def test_seed_article_is_cleaned():
    article = read_article(CORPUS / "nikkei-maeil-survey-2026.txt")
    assert article.body.endswith("the $1.2 trillion semiconductor industry.")
    assert "Please log in" in article.text  # the stored file keeps it


def test_missing_path(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        read_corpus([tmp_path / "nope"])


def test_empty_corpus(tmp_path):
    with pytest.raises(CorpusError, match="No articles found"):
        read_corpus([tmp_path])


def test_non_utf8_names_file_and_byte(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Title: x\n\nCaf\xe9 society\n")
    with pytest.raises(CorpusError, match=r"bad\.txt: not valid UTF-8 at byte 13"):
        read_corpus([tmp_path])


def test_header_only_document(tmp_path):
    (tmp_path / "h.txt").write_text("Title: only a header\n\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="no body text"):
        read_corpus([tmp_path])


def test_bad_date_and_duplicate_ids(tmp_path):
    (tmp_path / "a.txt").write_text("Date: March 2025\n\nText.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="not ISO 8601"):
        read_corpus([tmp_path])
    (tmp_path / "a.txt").write_text("Id: same\n\nText.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Id: same\n\nOther.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="also used by"):
        read_corpus([tmp_path])


def test_project_corpus_keeps_source_and_license_lines():
    articles = {a.id: a for a in read_corpus([CORPUS])}
    assert len(articles) == 10  # the seed and nine real, openly licensed texts
    for article in articles.values():
        if article.id != "nikkei-maeil-survey-2026":
            assert article.source and article.source.startswith("https://")
            assert article.license and article.publisher

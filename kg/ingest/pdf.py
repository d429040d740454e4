"""A born-digital PDF -> a document: its text in reading order, without running headers,
footers and page numbers, with words hyphenated at line ends joined again.

PDFium (pypdfium2) gives the text of each page line by line with each line's position and font
size. Lines are put in reading order (top to bottom, then left to right; one column), joined into
paragraphs (a paragraph ends where the gap to the next line is clearly larger than the line
spacing, or the font size changes), and:

- a line in the top or bottom tenth of the page that repeats on at least half of the pages
  (digits aside) is a running header or footer and is dropped; so is a line there that is only a
  page number ("3", "- 3 -", "Page 3 of 7", "3/7");
- a word broken at a line end ("semi-" / "conductor") is joined: without the hyphen when the
  joined word occurs elsewhere in the document or the hyphenated form does not and the first
  part is a lowercase word; with it otherwise ("U.S.-" / "led", "Japan-" / "Korea").

The title comes from the PDF's information dictionary, else from the largest text of the first
page; the date from a date written near the top of the first page, else the document's creation
date. A PDF without a text layer (a scan) or one that needs a password is an error.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median

from ..errors import CorpusError
from .dates import iso_date, written_date
from .document import Document, clean_text, sha256

#: Share of the page height at the top and bottom where running headers and footers live.
MARGIN = 0.1
_PAGE_NUMBER = re.compile(r"(page\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(\s*(of|/)\s*\d{1,4})?", re.I)
#: PDFium's mark for a hyphen at a line end that it joined with the next line's word.
_SOFT_BREAK = "\ufffe"


@dataclass
class _Line:
    page: int
    top: float
    bottom: float
    baseline: float
    left: float
    size: float
    text: str
    page_height: float


def pdf_document(data: bytes, *, name: str) -> Document:
    """The text and metadata of a PDF; a CorpusError for a scan without text or a locked file."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        message = str(err)
        if "password" in message.lower():
            raise CorpusError(
                f"{name}: the PDF is encrypted and needs a password to open; save an unprotected copy (or print it to PDF) and add that"
            ) from None
        raise CorpusError(f"{name}: not a readable PDF ({message})") from None
    try:
        pages = len(pdf)
        lines = [line for index in range(pages) for line in _page_lines(pdf, index)]
        info = pdf.get_metadata_dict(skip_empty=True)
    finally:
        pdf.close()
    if not any(line.text.strip() for line in lines):
        raise CorpusError(
            f"{name}: the PDF has no text layer ({pages} page{'s' if pages != 1 else ''} of images, e.g. a scan); "
            "run OCR on it first (e.g. ocrmypdf) and add the result"
        )
    body_lines = _drop_running_lines(lines, pages)
    text = clean_text(_paragraphs(body_lines))
    if not text.strip():
        raise CorpusError(f"{name}: the PDF holds only headers, footers and page numbers, no body text")
    first_page = [line for line in lines if line.page == 0]
    title = info.get("Title") or _largest_line(first_page)
    top_text = "\n".join(line.text for line in first_page[:12])
    date = written_date(top_text) or iso_date(info.get("CreationDate"))
    document = Document(
        text=text,
        media_type="application/pdf",
        sha256=sha256(data),
        title=" ".join(title.split()) if title else None,
        author=info.get("Author"),
        date=date,
    )
    if date and not written_date(top_text):
        document.notes.append("date taken from the PDF's creation date; check it against the release date")
    return document


def _page_lines(pdf, index: int) -> list[_Line]:
    """The text lines of one page, in reading order, each with its position and font size."""
    import pypdfium2.raw as raw

    page = pdf[index]
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count) if count else ""
        height = page.get_height()
        lines = []
        # get_text_range gives one character per character index (PDFium's generated
        # line breaks included), so each line's first index locates its box and font size
        position = 0
        hyphen = False
        # PDFium joins a word hyphenated at a line end and marks the hyphen U+FFFE; the line is
        # split there again, so that hyphens, paragraphs and page margins are judged in one place
        for piece in re.split("(\r\n|\n|\ufffe)", text):
            if piece in ("\r\n", "\n", _SOFT_BREAK):
                position += len(piece)
                hyphen = piece == _SOFT_BREAK
                continue
            start = position + len(piece) - len(piece.lstrip())
            position += len(piece)
            boxes = [textpage.get_charbox(i) for i in range(start, min(position, count)) if not text[i].isspace()]
            if hyphen and lines:
                lines[-1].text += "-"
            if not piece.strip() or not boxes:
                continue
            left = min(b[0] for b in boxes)  # a box is (left, bottom, right, top)
            bottom = min(b[1] for b in boxes)
            top = max(b[3] for b in boxes)
            size = raw.FPDFText_GetFontSize(textpage.raw, start)
            lines.append(_Line(index, top, bottom, _baseline(textpage, start, bottom), left, round(size, 1), piece.strip(), height))
    finally:
        textpage.close()
        page.close()
    return _reading_order(lines)


def _baseline(textpage, index: int, fallback: float) -> float:
    """The y of a character's origin: its line's baseline, whatever its descenders."""
    import ctypes

    import pypdfium2.raw as raw

    x, y = ctypes.c_double(), ctypes.c_double()
    if raw.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y)):
        return y.value
    return fallback


def _reading_order(lines: list[_Line]) -> list[_Line]:
    """Top to bottom; pieces on one baseline (within a third of the font size) joined left to right."""
    ordered: list[_Line] = []
    for line in sorted(lines, key=lambda line: (-line.baseline, line.left)):
        last = ordered[-1] if ordered else None
        if last is not None and abs(last.baseline - line.baseline) < 0.3 * max(last.size, line.size):
            pieces = sorted([last, line], key=lambda piece: piece.left)
            last.text = " ".join(piece.text for piece in pieces)
            last.left, last.top, last.bottom = pieces[0].left, max(last.top, line.top), min(last.bottom, line.bottom)
            continue
        ordered.append(line)
    return ordered


def _signature(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _in_margin(line: _Line) -> bool:
    return line.bottom > (1 - MARGIN) * line.page_height or line.top < MARGIN * line.page_height


def _drop_running_lines(lines: list[_Line], pages: int) -> list[_Line]:
    repeated = Counter()
    for page in range(pages):
        repeated.update({_signature(line.text) for line in lines if line.page == page and _in_margin(line)})
    needed = max(2, (pages + 1) // 2)
    kept = []
    for line in lines:
        if _in_margin(line) and (_PAGE_NUMBER.fullmatch(line.text.strip()) or (pages > 1 and repeated[_signature(line.text)] >= needed)):
            continue
        kept.append(line)
    return kept


def _paragraphs(lines: list[_Line]) -> str:
    """Lines joined into paragraphs (blank line between), hyphenation at line ends repaired."""
    pitch = _line_pitch(lines)
    words = _word_counts(lines)
    out: list[str] = []
    for previous, line in zip([None, *lines], lines):
        if previous is None:
            out.append(line.text)
            continue
        if line.page != previous.page:  # a paragraph goes on over a page break unless a sentence ended there
            close = not re.search(r"[.!?:;\"”’)]$", previous.text)
        else:
            close = previous.baseline - line.baseline <= pitch + 0.4 * line.size
        same_paragraph = abs(previous.size - line.size) < 0.5 and close
        if not same_paragraph:
            out.append("\n\n" + line.text)
        elif re.search(r"\S-$", out[-1]):
            out.append(_join_hyphenated(out[-1], line.text, words))
        else:
            out.append(" " + line.text)
    return "".join(out).replace("-\b", "")


def _line_pitch(lines: list[_Line]) -> float:
    """The line spacing: the smallest distance between baselines that occurs at least twice
    (paragraph gaps are larger; a distance below 0.9 times the font size is no line break)."""
    gaps = Counter(
        round(a.baseline - b.baseline)
        for a, b in zip(lines, lines[1:])
        if a.page == b.page and abs(a.size - b.size) < 0.5 and a.baseline - b.baseline >= 0.9 * b.size
    )
    repeated = sorted(gap for gap, count in gaps.items() if count >= 2)
    return repeated[0] if repeated else min(gaps, default=0)


def _word_counts(lines: list[_Line]) -> Counter:
    text = " ".join(line.text for line in lines)
    return Counter(word.lower() for word in re.findall(r"[\w.'’-]+", text))


def _join_hyphenated(before: str, after: str, words: Counter) -> str:
    """What follows ``before`` (which ends with '-') when the next line is ``after``."""
    left = re.search(r"([\w.'’]*)-$", before).group(1)
    right = re.match(r"[\w'’]*", after).group(0)
    if _drop_hyphen(left, right, words):
        return "\b" + after  # "\b" deletes the hyphen below
    return after


def _drop_hyphen(left: str, right: str, words: Counter) -> bool:
    if not left or not right or not left[-1].isalpha() or not right[0].islower():
        return False
    joined, hyphenated = (left + right).lower(), f"{left}-{right}".lower()
    if words[joined]:
        return True
    if words[hyphenated]:
        return False
    return left.islower()


def _largest_line(lines: list[_Line]) -> str | None:
    candidates = [line for line in lines if line.text.strip() and not _in_margin(line)]
    if not candidates:
        return None
    size = max(line.size for line in candidates)
    if size <= median(line.size for line in candidates):
        return None
    return " ".join(line.text for line in candidates if line.size == size)

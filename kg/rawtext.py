"""Bytes -> text, and length-preserving clean-up of text for the NLP pipeline.

``decode_document`` turns the bytes of a corpus file into its text: a byte-order mark is
removed (UTF-8, UTF-16 or UTF-32), control characters become spaces and lone surrogates
U+FFFD, so no literal of the graph can hold them. Every other character is kept as published.

``blank_markup`` makes the text the NLP pipeline reads: HTML tags, comments and zero-width or
bidi controls become spaces, character references become their character followed by spaces.
Its result has the length of its input, so every offset stays valid against the stored text.
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .errors import CorpusError

#: Byte-order marks, longest first (the UTF-32-LE mark starts with the UTF-16-LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: File signatures of formats that are not text.
MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"PK\x03\x04", "a ZIP archive (.zip, .docx, .xlsx, ...)"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable"),
)
#: C0 and C1 controls except tab, line feed and carriage return; the XML-forbidden U+FFFE/U+FFFF.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
SURROGATE = re.compile("[\ud800-\udfff]")
#: Zero-width characters and bidi controls (Unicode format characters that hide or reorder text).
INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
#: Above this share of zero bytes a file without a byte-order mark is binary (or BOM-less UTF-16).
ZERO_BYTE_SHARE = 0.1


@dataclass
class Decoded:
    """The text of a file and what decoding it changed (messages without the file name)."""

    text: str
    notes: list[str] = field(default_factory=list)


def check_encoding(encoding: str) -> str:
    """The canonical name of a text encoding, or a CorpusError.

    >>> check_encoding("Latin-1")
    'iso8859-1'
    """
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise CorpusError(f"--encoding {encoding!r} is not a text encoding Python knows; use a name such as cp1252, latin-1 or shift_jis")
    return info.name


def decode_document(data: bytes, path: str, encoding: str | None = None) -> Decoded:
    """Decode a corpus file: a BOM decides, else UTF-8, else ``encoding`` if given, else a CorpusError."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            decoded = _decode(data[len(bom) :], codec, path)
            decoded.notes.insert(0, "byte-order mark removed" if codec == "utf-8" else f"decoded as {codec.upper()} (byte-order mark)")
            return _sanitize(decoded)
    kind = _binary_kind(data)
    if kind:
        raise CorpusError(f"{path}: {_utf8_error(data)}this looks like {kind}, not text; convert it with `kg add FILE` (PDF) or extract its text into a UTF-8 .txt file")
    guess = _bomless_utf16(data)
    if guess:
        decoded = _decode(data, guess, path)
        decoded.notes.insert(0, f"decoded as {guess.upper()} (no byte-order mark; guessed from its zero bytes)")
        return _sanitize(decoded)
    if data.count(0) > ZERO_BYTE_SHARE * len(data):
        raise CorpusError(f"{path}: {_utf8_error(data)}{data.count(0)} of its {len(data)} bytes are zero: this looks like a binary file, not text")
    try:
        return _sanitize(_decode(data, "utf-8", path))
    except CorpusError:
        if not encoding:
            raise
    decoded = _decode(data, encoding, path)
    decoded.notes.insert(0, f"not UTF-8; decoded as {encoding} (--encoding)")
    return _sanitize(decoded)


def _decode(data: bytes, codec: str, path: str) -> Decoded:
    """Strict decoding, except that encoded lone surrogates pass (they are replaced later)."""
    errors = "surrogatepass" if codec.startswith("utf") else "strict"
    try:
        return Decoded(data.decode(codec, errors))
    except UnicodeDecodeError as err:
        name = "UTF-8" if codec == "utf-8" else codec
        hint = "re-save the file as UTF-8" + ("" if codec != "utf-8" else ", or give its encoding with --encoding (e.g. --encoding cp1252)")
        raise CorpusError(f"{path}: not valid {name} at byte {err.start} ({err.reason}); {hint}") from None


def _sanitize(decoded: Decoded) -> Decoded:
    """Lone surrogates -> U+FFFD, control characters -> spaces; both counted."""
    text = decoded.text
    if SURROGATE.search(text):
        before = text.count("\ufffd")
        # a UTF-16 round trip joins valid surrogate pairs and replaces the lone ones
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        decoded.notes.append(_plural(text.count("\ufffd") - before, "lone surrogate") + " replaced by U+FFFD")
    text, controls = CONTROL.subn(" ", text)
    if controls:
        decoded.notes.append(_plural(controls, "control character") + " replaced by spaces")
    decoded.text = text
    return decoded


def _binary_kind(data: bytes) -> str | None:
    return next((kind for magic, kind in MAGIC if data.startswith(magic)), None)


def _utf8_error(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        return f"not valid UTF-8 at byte {err.start} ({err.reason}): "
    return ""


def _bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' if zero bytes fill one half of the byte pairs (ASCII-range UTF-16)."""
    head = data[:65536]
    pairs = len(head) // 2
    if pairs < 4 or len(data) % 2:
        return None
    even, odd = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    if odd > 0.4 * pairs and even < 0.05 * pairs:
        return "utf-16-le"
    if even > 0.4 * pairs and odd < 0.05 * pairs:
        return "utf-16-be"
    return None


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


# -- markup ------------------------------------------------------------------------------

#: HTML elements (WHATWG) whose tags are blanked; "<Korea Herald>" is a byline, not a tag.
HTML_ELEMENTS = frozenset(
    "a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code col "
    "colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure font footer form "
    "h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map mark menu "
    "meta meter nav noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp script "
    "section select small source span strong style sub summary sup table tbody td template textarea tfoot th thead "
    "time title tr track u ul var video wbr center".split()
)
#: Elements that end a line: their tags become a line break (a sentence boundary), not a space.
BLOCK_ELEMENTS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr li main "
    "nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
#: Elements whose content is not article text.
HIDDEN_ELEMENTS = frozenset({"script", "style", "noscript", "template", "head", "title"})


@dataclass
class Blanked:
    """Text with markup blanked (same length as the input) and what was blanked."""

    text: str
    tags: int = 0
    references: int = 0
    invisible: int = 0

    def notes(self) -> list[str]:
        notes = []
        if self.tags or self.references:
            notes.append(f"{_plural(self.tags, 'HTML tag')} blanked and {_plural(self.references, 'character reference')} decoded")
        if self.invisible:
            notes.append(f"{_plural(self.invisible, 'zero-width or bidi character')} blanked")
        return notes


def blank_markup(text: str) -> Blanked:
    """Blank HTML and invisible characters without changing the length of ``text``.

    >>> blank_markup("<p>AT&amp;T</p> x").text
    '\\n  AT&    T\\n    x'
    >>> blank_markup("Sam\\u200bsung").text
    'Sam sung'
    >>> blank_markup("profits <5% and <Korea Herald>").text
    'profits <5% and <Korea Herald>'
    """
    result = Blanked(text)
    if "<" in text or "&" in text:
        chars = list(text)
        result.tags, result.references = _HTMLBlanker(text, chars).run()
        result.text = "".join(chars)
    result.text, result.invisible = INVISIBLE.subn(" ", result.text)
    return result


class _HTMLBlanker(HTMLParser):
    """Writes blanks into ``chars`` at the positions html.parser reports for each construct."""

    def __init__(self, text: str, chars: list[str]):
        super().__init__(convert_charrefs=False)
        self.source = text
        self.chars = chars
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.events: list[tuple[int, str, str]] = []  # (start, kind, tag)
        self.hidden = 0

    def run(self) -> tuple[int, int]:
        self.feed(self.source)
        self.close()
        ends = [start for start, _, _ in self.events[1:]] + [len(self.source)]
        tags = references = 0
        for (start, kind, tag), end in zip(self.events, ends):
            if kind == "tag" and self._blank_tag(start, end, tag):
                tags += 1
            elif kind == "ref" and self._decode_reference(start, end):
                references += 1
            elif kind == "hidden":
                self._blank(start, end)
        return tags, references

    def _position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _event(self, kind: str, tag: str = "") -> None:
        self.events.append((self._position(), kind, tag))

    def handle_starttag(self, tag, attrs):
        self._event("tag", tag)
        self.hidden += tag in HIDDEN_ELEMENTS

    def handle_startendtag(self, tag, attrs):
        self._event("tag", tag)

    def handle_endtag(self, tag):
        self._event("tag", tag)
        if tag in HIDDEN_ELEMENTS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        self._event("hidden" if self.hidden else "data")

    def handle_entityref(self, name):
        self._event("hidden" if self.hidden else "ref")

    def handle_charref(self, name):
        self._event("hidden" if self.hidden else "ref")

    def handle_comment(self, data):
        self._event("tag", "!--")

    def handle_decl(self, decl):
        self._event("tag", "!")

    def handle_pi(self, data):
        self._event("tag", "?")

    def unknown_decl(self, data):
        self._event("tag", "!")

    def _blank(self, start: int, end: int) -> None:
        for i in range(start, end):
            if self.chars[i] not in "\r\n":
                self.chars[i] = " "

    def _blank_tag(self, start: int, end: int, tag: str) -> bool:
        raw = self.source[start:end]
        if not (raw.startswith("<") and raw.rstrip().endswith(">")):
            return False
        if tag not in HTML_ELEMENTS and tag not in ("!--", "!", "?"):
            return False
        self._blank(start, end)
        if tag in BLOCK_ELEMENTS:
            self.chars[start] = "\n"
        return True

    def _decode_reference(self, start: int, end: int) -> bool:
        raw = self.source[start:end]
        decoded = html.unescape(raw)
        if decoded == raw or len(decoded) > len(raw):
            return False
        self._blank(start, end)
        if not decoded.isspace():
            self.chars[start : start + len(decoded)] = list(decoded)
        return True

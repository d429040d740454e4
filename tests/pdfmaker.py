"""Small valid PDF files written byte by byte, for the ingest tests (no PDF library needed).

``make_pdf`` lays out lines of Helvetica text at given positions, one list per page; it can
draw an image instead of text (a scan without a text layer) and encrypt the file with the PDF
standard security handler (revision 2, RC4 40-bit), so that a user password is needed to open it.
"""

from __future__ import annotations

import hashlib
import zlib

#: (x, y, font size, text) in PDF points, the origin at the bottom left of a US Letter page.
Line = tuple[float, float, float, str]

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content(lines: list[Line]) -> bytes:
    parts = []
    for x, y, size, text in lines:
        parts.append(b"BT /F1 %g Tf %g %g Td (" % (size, x, y) + _escape(text) + b") Tj ET")
    return b"\n".join(parts)


def make_pdf(
    pages: list[list[Line]],
    *,
    info: dict[str, str] | None = None,
    image_only: bool = False,
    user_password: str | None = None,
    owner_password: str = "owner",
) -> bytes:
    """The bytes of a PDF with one page per item of ``pages``."""
    objects: list[bytes | None] = [None, None, None]  # 1 catalog, 2 pages, 3 font
    page_ids = []
    streams: dict[int, bytes] = {}
    for lines in pages:
        content_id = len(objects) + 1
        if image_only:
            pixels = bytes([200, 40, 40, 200]) * 4
            objects.append(b"<< /Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length %d >>" % len(pixels))
            streams[content_id] = pixels
            image_id = content_id
            content_id = len(objects) + 1
            data = b"q 612 0 0 792 0 0 cm /Im1 Do Q"
            resources = b"<< /XObject << /Im1 %d 0 R >> >>" % image_id
        else:
            data = zlib.compress(_content(lines))
            resources = b"<< /Font << /F1 3 0 R >> >>"
        filters = b"" if image_only else b" /Filter /FlateDecode"
        objects.append(b"<< /Length %d%s >>" % (len(data), filters))
        streams[content_id] = data
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources %s /Contents %d 0 R >>" % (resources, content_id))
        page_ids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % i for i in page_ids), len(page_ids))
    objects[2] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    file_id = hashlib.md5(repr(pages).encode()).digest()
    key = None
    encrypt_id = None
    if user_password is not None:
        user = (user_password.encode("latin-1") + _PAD)[:32]
        owner = (owner_password.encode("latin-1") + _PAD)[:32]
        o_value = _rc4(hashlib.md5(owner).digest()[:5], user)
        permissions = -44
        key = hashlib.md5(user + o_value + permissions.to_bytes(4, "little", signed=True) + file_id).digest()[:5]
        u_value = _rc4(key, _PAD)
        objects.append(b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (o_value.hex().encode(), u_value.hex().encode(), permissions))
        encrypt_id = len(objects)
    info_id = None
    if info:
        objects.append(b"")  # filled below, once the encryption key is known
        info_id = len(objects)

    def object_key(number: int) -> bytes:
        return hashlib.md5(key + number.to_bytes(3, "little") + b"\x00\x00").digest()[:10]

    if info_id:
        parts = []
        for name, value in info.items():
            raw = value.encode("cp1252")
            if key is not None:
                parts.append(b"/%s <%s>" % (name.encode(), _rc4(object_key(info_id), raw).hex().encode()))
            else:
                parts.append(b"/%s (%s)" % (name.encode(), _escape(value)))
        objects[info_id - 1] = b"<< " + b" ".join(parts) + b" >>"

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body
        if number in streams:
            data = streams[number]
            if key is not None:
                data = _rc4(object_key(number), data)
            out += b"\nstream\n" + data + b"\nendstream"
        out += b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"<< /Size %d /Root 1 0 R /ID [<%s> <%s>]" % (len(objects) + 1, file_id.hex().encode(), file_id.hex().encode())
    if info_id:
        trailer += b" /Info %d 0 R" % info_id
    if encrypt_id:
        trailer += b" /Encrypt %d 0 R" % encrypt_id
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def layout(paragraphs: list[list[str]], *, header: str | None = None, page_numbers: bool = True, lines_per_page: int = 40, title: str | None = None) -> list[list[Line]]:
    """Pages of text: each paragraph is a list of already broken lines (11 pt, 14 pt apart, 10 pt between paragraphs).

    ``header`` runs at the top of every page, the page number at the bottom; ``title`` opens
    the first page in 16 pt.
    """
    pages: list[list[Line]] = []
    page: list[Line] = []
    y = 700.0

    def new_page():
        nonlocal page, y
        if page:
            pages.append(page)
        page = []
        if header:
            page.append((72, 750, 9, header))
        y = 700.0

    new_page()
    if title:
        page.append((72, y, 16, title))
        y -= 34
    for paragraph in paragraphs:
        for line in paragraph:
            if y < 100:
                new_page()
            page.append((72, y, 11, line))
            y -= 14
        y -= 10
    pages.append(page)
    if page_numbers:
        for number, lines in enumerate(pages, start=1):
            lines.append((300, 40, 9, str(number)))
    return pages

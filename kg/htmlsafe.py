"""Safe pieces of kg's HTML pages (the network viewer and the query page): JSON inside ``<script>``, CSP hashes.

>>> script_json({"a": "</script>"})
'{"a": "\\\\u003c/script\\\\u003e"}'
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any


def script_json(value: Any, **dumps: Any) -> str:
    """JSON (``json.dumps(value, **dumps)``) that cannot end a <script> element or open a comment inside it.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026``; U+2028 and U+2029, which
    older JavaScript engines take for line ends, are escaped as well.
    """
    text = json.dumps(value, **dumps)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def csp_hash(script: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script: ``sha256-...``."""
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")

"""Residents' and the office's free text: normalising it and showing it literally in Markdown."""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: str | None) -> str:
    """Normalise line ends and Unicode (NFC), drop control characters (keep tabs, newlines) and trim."""
    text = unicodedata.normalize("NFC", (value or "").replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL.sub("", text).strip()


def escape_markdown(text: str | None) -> str:
    """Return TEXT so st.markdown shows it literally: no links, emphasis, HTML, icons or LaTeX."""
    if not text:
        return ""
    out = []
    for ch in text:
        if ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == "&":
            out.append("&amp;")
        elif ch in "\\`*_{}[]()#+-.!|:$~=^":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("  \n")  # a hard line break, not a new paragraph or a block
        else:
            out.append(ch)
    return "".join(out)

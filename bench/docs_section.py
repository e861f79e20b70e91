"""Write a bench's generated section into docs/benchmarks.md, keeping the notes written by hand."""

from __future__ import annotations

from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def write_section(heading: str, section: str, doc: Path = DOC) -> None:
    """Replace the generated part of HEADING's section of DOC with SECTION (or append it).

    The generated part runs up to the section's first '### ' subsection or the next '## ' section:
    subsections are written by hand (what changed and why) and are kept.
    """
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n\n"
    start = text.find(heading + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        ends = [i for i in (text.find("\n### ", start), text.find("\n## ", start + 1)) if i >= 0]
        end = min(ends) if ends else -1
        text = text[:start] + section + ("\n" + text[end + 1 :] if end >= 0 else "")
    doc.write_text(text, encoding="utf-8")

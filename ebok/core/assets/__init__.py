"""Packaged assets: the DejaVu fonts used for PDFs (they render Polish letters) and word lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ASSETS_DIR = Path(__file__).resolve().parent
FONTS_DIR = ASSETS_DIR / "fonts"
FONT_FAMILY = "DejaVu"


def font_path(bold: bool = False, subset: bool = False) -> Path:
    """Return the DejaVu Sans TTF (regular or bold); SUBSET: the Latin/Polish subset that loads ~5× faster.

    Licence: fonts/LICENSE-DejaVu.txt; how the subsets were made: fonts/README.md.
    """
    name = "DejaVuSans-Bold" if bold else "DejaVuSans"
    return FONTS_DIR / f"{name}{'-PL' if subset else ''}.ttf"


def add_fonts(pdf: Any, subset: bool = True) -> str:
    """Register DejaVu regular and bold ("B") on an fpdf2 FPDF object and return the family name."""
    pdf.add_font(FONT_FAMILY, "", str(font_path(subset=subset)))
    pdf.add_font(FONT_FAMILY, "B", str(font_path(bold=True, subset=subset)))
    return FONT_FAMILY

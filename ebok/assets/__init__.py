"""Packaged assets: the DejaVu fonts used for PDFs (they render Polish letters) and word lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ASSETS_DIR = Path(__file__).resolve().parent
FONTS_DIR = ASSETS_DIR / "fonts"
FONT_FAMILY = "DejaVu"


def font_path(bold: bool = False) -> Path:
    """Return the path of the DejaVu Sans TTF file (regular or bold); licence in fonts/LICENSE-DejaVu.txt."""
    return FONTS_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")


def add_fonts(pdf: Any) -> str:
    """Register DejaVu regular and bold on an fpdf2 FPDF object and return the family name."""
    pdf.add_font(FONT_FAMILY, "", str(font_path()))
    pdf.add_font(FONT_FAMILY, "B", str(font_path(bold=True)))
    return FONT_FAMILY

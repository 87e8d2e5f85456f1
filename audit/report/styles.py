"""Fonts, colours and paragraph styles shared by the reports.

DejaVu Sans (bundled, Bitstream Vera licence) is embedded so that accented and non-Latin names
(Greek, Cyrillic, Hebrew, Arabic, Armenian, Georgian) render as real, searchable text; Chinese,
Japanese and Korean runs are set in a CJK font (report/scripts.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.graphics.shapes import STATE_DEFAULTS
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus.tables import CellStyle

FONTS = Path(__file__).resolve().parent / "fonts"
BODY, BOLD, ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
RULE = colors.HexColor("#cbd2d9")
BAND = colors.HexColor("#f0f4f8")
ACCENT = colors.HexColor("#243b53")

RATING_COLOURS = {
    "low": colors.HexColor("#2f855a"),
    "moderate": colors.HexColor("#b7791f"),
    "high": colors.HexColor("#c05621"),
    "critical": colors.HexColor("#9b2c2c"),
    "not assessed": colors.HexColor("#7b8794"),
}
# Inherent tiers, from the most to the least inherent risk: shades of one hue.
TIER_COLOURS = {
    "critical": colors.HexColor("#102a43"),
    "high": colors.HexColor("#334e68"),
    "medium": colors.HexColor("#627d98"),
    "low": colors.HexColor("#9fb3c8"),
}
# A control's status and a finding's, so that the eye finds what is not met and what is accepted.
STATUS_COLOURS = {
    "Met": colors.HexColor("#2f855a"),
    "Partially met": colors.HexColor("#b7791f"),
    "Not met": colors.HexColor("#9b2c2c"),
    "Unverified": colors.HexColor("#c05621"),
    "Unanswered": colors.HexColor("#9b2c2c"),
    "Not applicable": colors.HexColor("#7b8794"),
    "open": colors.HexColor("#9b2c2c"),
    "in progress": colors.HexColor("#b7791f"),
    "remediated": colors.HexColor("#2f855a"),
    "accepted": colors.HexColor("#2b6cb0"),
}
SEVERITY_COLOURS = {
    "critical": colors.HexColor("#9b2c2c"),
    "high": colors.HexColor("#c05621"),
    "medium": colors.HexColor("#b7791f"),
    "low": colors.HexColor("#4a5568"),
}


@cache
def register_fonts() -> None:
    for name, file in (
        (BODY, "DejaVuSans.ttf"),
        (BOLD, "DejaVuSans-Bold.ttf"),
        (ITALIC, "DejaVuSans-Oblique.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(FONTS / file)))
    pdfmetrics.registerFontFamily(BODY, normal=BODY, bold=BOLD, italic=ITALIC, boldItalic=BOLD)
    # ReportLab's defaults name Helvetica (a chart's starting state, a table cell's font): it
    # would be declared in every report without being embedded. Everything we draw names its
    # font; the defaults follow, so that every font in a report is embedded.
    STATE_DEFAULTS["fontName"] = BODY
    CellStyle.fontname = BODY


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=BODY, fontSize=9, leading=12, textColor=INK)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.5, splitLongWords=1),
        # a SHA-256 in two halves of 32 digits, each on one line of its column
        "hash": ParagraphStyle("hash", parent=base, fontSize=6.2, leading=8, textColor=MUTED),
        "cell_italic": ParagraphStyle(
            "cell_italic", parent=base, fontName=ITALIC, fontSize=7.5, leading=9.5
        ),
        "cell_bold": ParagraphStyle(
            "cell_bold", parent=base, fontName=BOLD, fontSize=7.5, leading=9.5
        ),
        "muted": ParagraphStyle("muted", parent=base, textColor=MUTED, fontSize=8, leading=10.5),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=BOLD,
            fontSize=16,
            leading=20,
            spaceBefore=4,
            spaceAfter=8,
            textColor=ACCENT,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=10,
            spaceAfter=6,
            textColor=ACCENT,
        ),
        "h3": ParagraphStyle(
            "h3", parent=base, fontName=BOLD, fontSize=10, leading=13, spaceBefore=8, spaceAfter=4
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=BOLD,
            fontSize=24,
            leading=30,
            alignment=TA_LEFT,
            textColor=ACCENT,
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=13, leading=17, textColor=MUTED
        ),
        "badge": ParagraphStyle(
            "badge",
            parent=base,
            fontName=BOLD,
            fontSize=18,
            leading=22,
            alignment=TA_CENTER,
            textColor=colors.white,
        ),
        "badge_small": ParagraphStyle(
            "badge_small",
            parent=base,
            fontSize=8,
            leading=10,
            alignment=TA_CENTER,
            textColor=colors.white,
        ),
    }

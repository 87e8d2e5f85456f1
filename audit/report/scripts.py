"""Chinese, Japanese and Korean text in the reports.

DejaVu Sans, which the reports embed, has no CJK glyphs: a vendor named 東京コールセンター would
print as empty boxes and vanish from the text a reader copies or searches. Runs of CJK characters
are therefore set in a font that has them:

- a CJK TrueType font installed on the machine (Debian's fonts-droid-fallback, WenQuanYi or
  Noto Sans CJK), embedded as a subset like DejaVu;
- otherwise one of the standard Asian fonts of the PDF specification (Adobe-GB1 for Chinese and
  Japanese, Adobe-Korea1 for Hangul), which readers supply: not embedded, but the text is real
  and searchable.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont

# Hangul Jamo, CJK radicals and punctuation, kana, Bopomofo, Hangul compatibility Jamo, CJK
# ideographs (with extension A), Hangul syllables, compatibility ideographs and forms, half-
# and full-width forms, and the supplementary ideographs.
CJK = re.compile(
    "[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3200-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]+"
)
HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7ff]")
INSTALLED = (  # the first that has every character of a run sets it, embedded
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),  # Chinese, Japanese
    ("/usr/share/fonts/truetype/nanum/NanumGothic.ttf", 0),  # Korean
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
)
CHINESE_JAPANESE, KOREAN = "STSong-Light", "HYSMyeongJo-Medium"


@cache
def installed_fonts() -> tuple[tuple[str, frozenset[int]], ...]:
    """The installed CJK TrueType fonts, registered, each with the characters it has."""
    found = []
    for index, (path, subfont) in enumerate(INSTALLED):
        if not Path(path).is_file():
            continue
        name = f"CJK{index}"
        try:
            font = TTFont(name, path, subfontIndex=subfont)
        except Exception:  # noqa: BLE001, S112 - an unusable font file: try the next
            continue
        pdfmetrics.registerFont(font)
        found.append((name, frozenset(font.face.charToGlyph)))
    return tuple(found)


@cache
def _standard(name: str) -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


def font_for(run: str) -> str:
    """The font a run of CJK characters is set in: the first installed one that has every
    character of the run (Droid Sans Fallback has no Hangul), else a standard one."""
    for name, covered in installed_fonts():
        if all(ord(c) in covered for c in run):
            return name
    return _standard(KOREAN if HANGUL.search(run) else CHINESE_JAPANESE)


def with_cjk(escaped: str) -> str:
    """Paragraph markup (already escaped) with its CJK runs set in a font that has them."""
    if CJK.search(escaped) is None:
        return escaped
    return CJK.sub(lambda m: f'<font name="{font_for(m.group(0))}">{m.group(0)}</font>', escaped)


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """The text cut into (piece, font): CJK pieces in their font, the rest in `font`."""
    pieces, position = [], 0
    for match in CJK.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], font))
        pieces.append((match.group(0), font_for(match.group(0))))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], font))
    return pieces


def width(text: str, font: str, size: float) -> float:
    """The width of `text`, its CJK runs measured in their own font."""
    return float(sum(stringWidth(piece, name, size) for piece, name in runs(text, font)))

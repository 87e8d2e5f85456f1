"""Page furniture shared by the reports: A4 pages with a running header, a footer with
"page X of Y", tables that wrap their text and repeat their header row when they split."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from audit.inputs import one_line
from audit.report import scripts
from audit.report.scripts import with_cjk
from audit.report.styles import BAND, BODY, BOLD, MUTED, RULE, register_fonts, styles

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
FRAME_HEIGHT = PAGE_HEIGHT - 2 * MARGIN - 6 * mm


class WrapOnce(Paragraph):
    """A paragraph that breaks its lines once per width.

    Tables wrap every cell to measure rows, again when they split across pages, and again when
    they draw; a paragraph's lines depend only on the width, so the second and third wraps at
    the same width reuse the first. (Measured: a 150-control report wraps each cell three times.)
    """

    _wrapped_for: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self._wrapped_for == availWidth and "blPara" in self.__dict__:
            return self.width, self.height
        result = super().wrap(availWidth, availHeight)
        self._wrapped_for = availWidth
        return result  # type: ignore[no-any-return]


def text(value: object, style: str = "cell") -> Paragraph:
    """A paragraph of user text, escaped (vendor comments are not markup); CJK runs are set in
    a font that has them (report/scripts.py)."""
    return WrapOnce(with_cjk(escape(str(value)).replace("\n", "<br/>")), styles()[style])


def markup(value: str, style: str = "body") -> Paragraph:
    """A paragraph of our own markup (bold, colour); never for user text."""
    return WrapOnce(value, styles()[style])


def coloured(value: str, colour: Color | None, style: str = "cell") -> Flowable:
    """Our own word (a status, a severity) in its colour; a table cell's TEXTCOLOR does not
    reach a paragraph."""
    if colour is None:
        return text(value, style)
    return markup(f'<font color="#{colour.hexval()[2:]}">{escape(value)}</font>', style)


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    extra: Sequence[tuple[Any, ...]] = (),
    *,
    split_rows: bool = False,
) -> Table:
    """A table that wraps every cell and repeats its header on each page it spans. Rows move
    whole to the next page; with `split_rows`, a row may continue across pages (for a row
    taller than a page, which would otherwise stop the report)."""
    data: list[list[object]] = [[text(h, "cell_bold") for h in header]]
    data += [[c if isinstance(c, Flowable | list) else text(c) for c in row] for row in rows]
    result = Table(
        data,
        colWidths=list(widths),
        repeatRows=1,
        splitByRow=True,
        splitInRow=1 if split_rows else 0,
    )
    result.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), BAND),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                *extra,
            ]
        )
    )
    return result


def key_values(rows: Sequence[tuple[str, str]], key_width: float = 38 * mm) -> Table:
    data = [[text(k, "cell_bold"), text(v)] for k, v in rows]
    result = Table(data, colWidths=[key_width, CONTENT_WIDTH - key_width])
    result.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return result


def _numbered_canvas(footer_left: str) -> type[pdfcanvas.Canvas]:
    class NumberedCanvas(pdfcanvas.Canvas):
        """Defers each page so that the footer can say "page X of Y"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFillColor(MUTED)
                draw_text(self, MARGIN, 10 * mm, footer_left, BODY, 7)
                self.setFont(BODY, 7)
                self.drawRightString(
                    PAGE_WIDTH - MARGIN, 10 * mm, f"page {self._pageNumber} of {total}"
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(
    story: list[Flowable],
    *,
    title: str,
    subject: str,
    author: str,
    header: str,
    footer: str,
) -> bytes:
    """Lay out the story on A4 (the first page without the running header); deterministic."""
    register_fonts()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 6 * mm,
        bottomMargin=MARGIN,
        title=one_line(title),
        subject=one_line(subject),
        author=one_line(author),
        creator="vendor-audit",
        invariant=1,
        initialFontName=BODY,  # else the canvas declares Helvetica, which is not embedded
    )
    frame = Frame(MARGIN, MARGIN, CONTENT_WIDTH, FRAME_HEIGHT, id="body")

    def running_header(canvas: pdfcanvas.Canvas, _doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFillColor(MUTED)
        draw_text(canvas, MARGIN, PAGE_HEIGHT - 12 * mm, header, BOLD, 7.5)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, PAGE_HEIGHT - 13.5 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 13.5 * mm)
        canvas.restoreState()

    doc.addPageTemplates(
        [
            PageTemplate(id="cover", frames=[frame]),
            PageTemplate(id="body", frames=[frame], onPage=running_header),
        ]
    )
    doc.build(story, canvasmaker=_numbered_canvas(footer))
    return buffer.getvalue()


def badge(label: str, colour: colors.Color, caption: str, width: float = 60 * mm) -> Table:
    """A coloured block with a large label (the rating) and a caption under it."""
    cell = Table(
        [[markup(escape(label.upper()), "badge")], [markup(escape(caption), "badge_small")]],
        colWidths=[width],
    )
    cell.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colour),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return cell


Hook = Callable[[pdfcanvas.Canvas, BaseDocTemplate], None]


def draw_text(
    canvas: pdfcanvas.Canvas, x: float, y: float, value: str, font: str, size: float
) -> None:
    """One line on the canvas, its CJK runs in a font that has them."""
    for piece, name in scripts.runs(value, font):
        canvas.setFont(name, size)
        canvas.drawString(x, y, piece)
        x += stringWidth(piece, name, size)


def _fit(value: object, width: float, size: float, font: str = BODY) -> str:
    """The text, cut with an ellipsis to fit `width` points in `font` at `size`."""
    shown = " ".join(str(value).split())
    if scripts.width(shown, font, size) <= width:
        return shown
    while shown and scripts.width(shown + "…", font, size) > width:
        shown = shown[: max(0, len(shown) - max(1, len(shown) // 8))]
    return shown + "…"


def _cell(value: str, size: float) -> object:
    """A listing cell: plain text, or a one-line paragraph when it holds CJK runs."""
    if scripts.CJK.search(value) is None:
        return value
    style = styles()["cell"].clone("listing", fontSize=size, leading=size + 1.5)
    return Paragraph(with_cjk(escape(value)), style)


def listing(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    size: float = 7,
) -> Table:
    """A long list as plain one-line rows that repeat their header on every page: thousands of
    rows lay out in seconds (no paragraph per cell), and a value too long for its column is cut
    with an ellipsis, never wrapped. (Measured: 10,000 rows in about 4 s.)"""
    padding = 6
    register_fonts()
    head = [_fit(h, w - padding, size, BOLD) for h, w in zip(header, widths, strict=True)]
    fitted = [
        [
            _cell(_fit(cell, width - padding, size), size)
            for cell, width in zip(row, widths, strict=True)
        ]
        for row in rows
    ]
    result = Table([head, *fitted], colWidths=list(widths), repeatRows=1, splitByRow=True)
    result.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), BODY),
                ("FONTNAME", (0, 0), (-1, 0), BOLD),
                ("FONTSIZE", (0, 0), (-1, -1), size),
                ("LEADING", (0, 0), (-1, -1), size + 1.5),
                ("BACKGROUND", (0, 0), (-1, 0), BAND),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, RULE),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return result


CELL_PADDING = 6  # left and right padding of a table cell, together
ROOM = FRAME_HEIGHT - 40  # a page's frame, less a header row and a heading


def taller_than_a_page(row: Sequence[object], widths: Sequence[float]) -> bool:
    """Whether a row of paragraphs (or lists of them) would be taller than a page: measured
    with the paragraphs' own line breaking, which they keep for the table's later passes."""
    tallest = 0.0
    for cell, width in zip(row, widths, strict=True):
        parts = cell if isinstance(cell, list) else [cell]
        height = 0.0
        for part in parts:
            if isinstance(part, Flowable):
                height += float(part.wrap(width - CELL_PADDING, FRAME_HEIGHT)[1])
        tallest = max(tallest, height)
    return bool(tallest > ROOM)

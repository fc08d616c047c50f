"""调解协议书 as DOCX (python-docx) and PDF (reportlab), from one layout.

:func:`agreement_of` gathers the text (personal data whole: only those who may read it in full
get here, and the boundary logs it); :func:`to_docx` and :func:`to_pdf` lay the same blocks out.
The PDF uses reportlab's built-in CID font STSong-Light: every standard reader has it (Adobe's
Asian font pack, poppler, pdf.js), so no font file is shipped or downloaded; the DOCX names
宋体/SimSun and Word or WPS substitutes where it is missing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from jieyou.errors import Conflict
from jieyou.mediation import repository
from jieyou.mediation.models import Mediation, MediationParty
from jieyou.mediation.states import GENDER_LABELS, SIDE_LABELS, MediationStatus

CN_NUMBERS = {2: "两", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"


def cn_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "    年  月  日"


@dataclass
class Agreement:
    number: str
    committee: str
    parties: list[str]  # one sentence per party
    signatories: list[str]  # "申请人 李秀英" …
    facts: str
    terms: str
    performance: str
    performance_due: date | None
    copies: int
    mediators: list[str]
    signed_on: date | None
    case_number: str

    @property
    def clause(self) -> str:
        n = CN_NUMBERS.get(self.copies, str(self.copies))
        return (
            "本协议自各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日"
            "起生效。经人民调解委员会调解达成的本协议具有法律约束力，当事人应当按照约定履行。"
            "当事人之间就本协议的履行或者协议内容发生争议的，一方当事人可以向人民法院提起诉讼。"
            "各方当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认。"
            f"本协议一式{n}份，各方当事人、人民调解委员会各执一份，具有同等效力。"
        )

    def sections(self) -> list[tuple[str, str]]:
        due = (
            f"\n履行期限：{cn_date(self.performance_due)}前履行完毕。"
            if self.performance_due
            else ""
        )
        return [
            ("纠纷主要事实、争议事项：", self.facts),
            ("经调解，各方当事人自愿达成如下协议：", self.terms),
            ("履行方式、期限：", f"{self.performance}{due}"),
        ]


def _party_line(p: MediationParty) -> str:
    bits = [f"{SIDE_LABELS.get(p.side, p.side)}：{p.name}"]
    if p.gender:
        bits.append(GENDER_LABELS.get(p.gender, p.gender))
    if p.ethnicity:
        bits.append(p.ethnicity)
    if p.birth_date:
        bits.append(f"{cn_date(p.birth_date)}出生")
    if p.id_number:
        bits.append(f"公民身份号码 {p.id_number}")
    if p.address:
        bits.append(f"住{p.address}")
    if p.phone:
        bits.append(f"联系电话 {p.phone}")
    line = "，".join(bits) + "。"
    if p.representative:
        line += f"\n委托代理人（法定代表人）：{p.representative}。"
    return line


def agreement_of(session: Session, mediation: Mediation, case_number: str) -> Agreement:
    if mediation.status != MediationStatus.agreed or not mediation.terms:
        raise Conflict(
            "调解未达成协议，没有调解协议书", code="no_agreement", status=mediation.status
        )
    parties = repository.parties(session, mediation.id)
    return Agreement(
        number=mediation.number or "",
        committee=mediation.committee,
        parties=[_party_line(p) for p in parties],
        signatories=[f"{SIDE_LABELS.get(p.side, p.side)} {p.name}" for p in parties],
        facts=mediation.facts,
        terms=mediation.terms,
        performance=mediation.performance or "",
        performance_due=mediation.performance_due,
        copies=mediation.copies or 3,
        mediators=[m.name for m, _ in repository.mediation_mediators(session, mediation.id)],
        signed_on=mediation.signed_on,
        case_number=case_number,
    )


# --- DOCX -----------------------------------------------------------------------------------


def to_docx(a: Agreement) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    normal = doc.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(12)
    # East Asian text takes the eastAsia font, not the Latin one.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")

    def para(text: str, *, bold: bool = False, size: float | None = None, align=None, indent=True):
        p = doc.add_paragraph()
        p.paragraph_format.line_spacing = 1.5
        p.paragraph_format.space_after = Pt(0)
        if indent:
            p.paragraph_format.first_line_indent = Pt(24)
        if align is not None:
            p.alignment = align
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        return p

    para(a.committee, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para("人民调解协议书", bold=True, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(f"编号：{a.number}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    para("当事人基本情况：", bold=True, indent=False)
    for line in a.parties:
        for part in line.split("\n"):
            para(part)
    for heading, body in a.sections():
        para(heading, bold=True, indent=False)
        for part in body.split("\n"):
            if part.strip():
                para(part.strip())
    # As in the PDF: the closing clause, signatures and seal on one page (keep with next).
    closing = [para(a.clause), doc.add_paragraph()]
    closing += [
        para(f"{who}（签名、捺印）：________________    日期：________", indent=False)
        for who in a.signatories
    ]
    closing += [
        para(f"人民调解员（签名）：________________（{name}）", indent=False)
        for name in a.mediators
    ]
    closing.append(para("记录人（签名）：________________", indent=False))
    closing.append(doc.add_paragraph())
    closing.append(para(f"{a.committee}（印章）", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False))
    para(cn_date(a.signed_on), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    for paragraph in closing:
        paragraph.paragraph_format.keep_with_next = True
    core = doc.core_properties
    core.title = f"人民调解协议书 {a.number}"
    core.subject = a.case_number
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------

FONT = "STSong-Light"


def to_pdf(a: Agreement) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle(
        "body", fontName=FONT, fontSize=12, leading=21, wordWrap="CJK", firstLineIndent=24
    )
    flat = ParagraphStyle("flat", parent=body, firstLineIndent=0)
    heading = ParagraphStyle("heading", parent=flat, spaceBefore=6)
    title = ParagraphStyle(
        "title", parent=flat, fontSize=22, leading=32, alignment=TA_CENTER, spaceAfter=4
    )
    org = ParagraphStyle("org", parent=flat, fontSize=14, leading=22, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=flat, alignment=TA_RIGHT)
    sign = ParagraphStyle("sign", parent=flat, leading=24)

    def p(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(text), style)

    story: list[Flowable] = [
        p(a.committee, org),
        p("人民调解协议书", title),
        p(f"编号：{a.number}", right),
        p("当事人基本情况：", heading),
    ]
    story += [p(part, body) for line in a.parties for part in line.split("\n")]
    for head, text in a.sections():
        story.append(p(head, heading))
        story += [p(part.strip(), body) for part in text.split("\n") if part.strip()]
    # The closing clause, the signatures and the seal stay together: a page of signatures
    # alone, with no text of the agreement on it, invites a forged first page.
    closing: list[Flowable] = [p(a.clause, body), Spacer(1, 4 * mm)]
    closing += [
        p(f"{who}（签名、捺印）：________________    日期：__________", sign)
        for who in a.signatories
    ]
    closing += [p(f"人民调解员（签名）：________________（{n}）", sign) for n in a.mediators]
    closing.append(p("记录人（签名）：________________", sign))
    closing.append(Spacer(1, 5 * mm))
    closing.append(p(f"{a.committee}（印章）", right))
    closing.append(p(cn_date(a.signed_on), right))
    story.append(KeepTogether(closing))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=26 * mm,
        rightMargin=26 * mm,
        topMargin=22 * mm,
        bottomMargin=18 * mm,
        title=f"人民调解协议书 {a.number}",
        subject=a.case_number,
    )
    doc.build(story)
    return out.getvalue()


def render(a: Agreement, kind: str) -> tuple[bytes, str, str]:
    """(bytes, media type, file name) for ``kind`` docx or pdf."""
    if kind == "docx":
        return to_docx(a), DOCX_TYPE, f"人民调解协议书-{a.number}.docx"
    return to_pdf(a), PDF_TYPE, f"人民调解协议书-{a.number}.pdf"

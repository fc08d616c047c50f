"""The 人民调解协议书 read back: the DOCX with python-docx, the PDF's text with pypdf (the CID
font STSong-Light maps back to Unicode), both naming the parties and carrying signature lines
for each party, each mediator and the committee's seal."""

from __future__ import annotations

import io

from docx import Document
from pypdf import PdfReader

from tests.mediation.helpers import agreement_body, post, session_body, start

PARTIES = [
    {
        "side": "applicant",
        "name": "李秀英",
        "gender": "female",
        "ethnicity": "汉族",
        "birth_date": "1975-03-02",
        "id_number": "431002197503021234",
        "phone": "13907351234",
        "address": "北湖区华塘镇吴山村3组12号",
    },
    {
        "side": "respondent",
        "name": "王建国",
        "gender": "male",
        "ethnicity": "汉族",
        "phone": "13807359876",
        "address": "北湖区华塘镇吴山村3组14号",
        "representative": "王小明",
    },
]


def _agreed(client, w) -> None:
    assert start(client, w.village, w.number, [w.mediator_id], parties=PARTIES).status_code == 201
    post(client, w.village, w.number, "sessions", session_body())
    r = post(client, w.village, w.number, "outcome", agreement_body(copies=3))
    assert r.status_code == 200, r.text


def _expect(text: str, *, squeeze: bool = False) -> None:
    for needle in [
        "人民调解协议书",
        "吴山村人民调解委员会",
        "申请人：李秀英，女，汉族，1975年3月2日出生，公民身份号码 431002197503021234",
        "住北湖区华塘镇吴山村3组12号",
        "联系电话 13907351234",
        "被申请人：王建国，男，汉族",
        "委托代理人（法定代表人）：王小明",
        "纠纷主要事实、争议事项",
        "经调解，各方当事人自愿达成如下协议",
        "一、被申请人于十日内拆除雨棚",
        "履行期限：2026年12月5日前履行完毕",
        "本协议自各方当事人签名",
        "本协议一式三份",
        "申请人 李秀英（签名、捺印）：",
        "被申请人 王建国（签名、捺印）：",
        "人民调解员（签名）：",
        "（何秀英）",
        "吴山村人民调解委员会（印章）",
        "2026年11月20日",
    ]:
        if squeeze:
            needle = "".join(needle.split())
        assert needle in text, needle


def test_the_docx_names_the_parties_and_has_signature_lines(client, world):
    w = world
    _agreed(client, w)
    r = client.get(f"/api/v1/cases/{w.number}/mediation/agreement.docx", headers=w.village.headers)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    _expect(text)
    assert doc.core_properties.subject == w.number


def test_the_pdf_reads_back_as_chinese_text(client, world):
    w = world
    _agreed(client, w)
    r = client.get(f"/api/v1/cases/{w.number}/mediation/agreement.pdf", headers=w.village.headers)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(r.content))
    text = "".join(page.extract_text() for page in reader.pages)
    # Lines wrap anywhere in Chinese text, and extraction turns some wraps into spaces:
    # compare without any whitespace.
    _expect("".join(text.split()), squeeze=True)


def test_the_pdf_renders(client, world, tmp_path):
    """Rendered with poppler where it is installed; with JIEYOU_SCREENSHOTS=1 the pages are
    saved side by side as docs/screenshots/mediation-agreement.png."""
    import os
    import shutil
    import subprocess
    from pathlib import Path

    import pytest
    from PIL import Image

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("poppler-utils not installed")
    w = world
    _agreed(client, w)
    r = client.get(f"/api/v1/cases/{w.number}/mediation/agreement.pdf", headers=w.village.headers)
    pdf = tmp_path / "agreement.pdf"
    pdf.write_bytes(r.content)
    subprocess.run([pdftoppm, "-r", "90", "-png", str(pdf), str(tmp_path / "p")], check=True)  # noqa: S603
    pages = []
    for path in sorted(tmp_path.glob("p-*.png")):
        with Image.open(path) as image:
            pages.append(image.convert("RGB"))
    assert pages and pages[0].size[0] > 600
    # Not blank: the title and text put dark pixels on the first page.
    assert pages[0].convert("L").getextrema()[0] < 64
    if os.environ.get("JIEYOU_SCREENSHOTS") == "1":
        sheet = Image.new(
            "RGB",
            (sum(p.width for p in pages) + 20 * (len(pages) + 1), pages[0].height + 40),
            "#d0d4d9",
        )
        x = 20
        for page in pages:
            sheet.paste(page, (x, 20))
            x += page.width + 20
        out = (
            Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "mediation-agreement.png"
        )
        sheet.save(out)

"""Reading labelled files: CSV, JSON lines, XLSX, with broken rows named."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook

from jieyou.classify.data import Example, load_labelled, read_labelled

ROWS = [
    ("拖欠工资", "老板拖欠三个月工资", "劳动和社会保障"),
    ("", "公交车晚点严重", "交通运输"),
    ("学校乱收费", "", "教育文体"),
]
EXPECTED = [Example(*row) for row in ROWS]


def test_csv_with_title_text_label_columns(tmp_path):
    path = tmp_path / "set.csv"
    lines = ["title,text,label", *(",".join(row) for row in ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert load_labelled(path) == EXPECTED


def test_csv_with_description_and_category_columns_and_a_bom_in_gbk(tmp_path):
    path = tmp_path / "gbk.csv"
    lines = ["description,category,title", *(f"{x},{y},{t}" for t, x, y in ROWS)]
    path.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))
    assert load_labelled(path) == EXPECTED
    utf8 = tmp_path / "bom.csv"
    utf8.write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines) + "\n").encode("utf-8"))
    assert load_labelled(utf8) == EXPECTED


def test_jsonl(tmp_path):
    path = tmp_path / "set.jsonl"
    lines = [
        json.dumps({"title": t, "text": x, "label": y}, ensure_ascii=False) for t, x, y in ROWS
    ]
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    assert load_labelled(path) == EXPECTED


def test_xlsx_with_chinese_headers_and_trailing_blank_rows(tmp_path):
    path = tmp_path / "set.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["留言主题", "留言详情", "一级标签"])
    for row in ROWS:
        sheet.append([v or None for v in row])
    sheet.append([None, None, None])
    workbook.save(path)
    read = read_labelled(path)
    assert read.examples == EXPECTED
    assert read.blank_rows == [5]


def test_a_row_without_label_and_one_without_any_text_are_named(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text(
        "title,text,label\n拖欠工资,老板不发工资,劳动和社会保障\n学校收费,补课费,\n,,交通运输\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="2 broken rows") as info:
        load_labelled(path)
    assert "row 3: no label" in str(info.value)
    assert "row 4: no title or text" in str(info.value)


def test_a_broken_xlsx_row_is_named_by_its_spreadsheet_row(tmp_path):
    path = tmp_path / "broken.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["title", "text", "label"])
    sheet.append(["拖欠工资", "老板不发工资", "劳动和社会保障"])
    sheet.append(["学校收费", "补课费", None])
    workbook.save(path)
    with pytest.raises(ValueError, match="row 3: no label"):
        load_labelled(path)


def test_a_jsonl_line_missing_its_label_or_not_json_is_named(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"title": "拖欠工资", "text": "老板不发工资"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 1: no label"):
        load_labelled(path)
    path.write_text('{"title": "a", "text": "b", "label": "c"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2 is not JSON"):
        load_labelled(path)


def test_missing_columns_and_unknown_file_types_are_refused(tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("title,body\n拖欠工资,老板不发工资\n", encoding="utf-8")
    with pytest.raises(ValueError, match="needs a label"):
        load_labelled(path)
    with pytest.raises(ValueError, match="unsupported file type"):
        load_labelled(tmp_path / "set.txt")
    fake = tmp_path / "fake.xlsx"
    fake.write_text("title,text,label\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"not a readable \.xlsx"):
        load_labelled(fake)

"""The columns of a problem list (整改问题清单) and how a file's header is matched to them.

Headers match whatever their spacing, parentheses (full or half width) or letter case, and by
the other names lists use for them (编号, 乡镇, 面积 …); columns we do not know are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jieyou.transfer.reader import Value


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str
    example: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "ref",
        "问题编号",
        True,
        "清单中的编号，本批次内不重复；再次导入同一文件时已导入的编号跳过",
        "ZG-0001",
        ("编号", "序号"),
    ),
    Column(
        "source",
        "问题来源",
        False,
        "发现问题的单位或途径；不填则为批次的来源",
        "省田长办",
        ("来源",),
    ),
    Column("problem_type", "问题类型", True, "不超过 40 字", "耕地“非粮化”", ("类型",)),
    Column(
        "county",
        "县市区",
        False,
        "所在县（市、区）名称；填写了区划代码时可不填",
        "北湖区",
        ("县（市、区）", "县区", "县市"),
    ),
    Column(
        "township",
        "乡镇（街道）",
        False,
        "所在乡镇（街道）名称；填写了区划代码时可不填",
        "华塘镇",
        ("乡镇", "乡镇街道", "乡镇(街道)"),
    ),
    Column(
        "village",
        "村（社区）",
        False,
        "所在村（社区）名称，可不填",
        "吴山村",
        ("村", "村社区", "村(社区)"),
    ),
    Column(
        "region_code",
        "区划代码",
        False,
        "12 位行政区划代码（乡镇或村），可代替上面三列",
        "431002101201",
        ("行政区划代码",),
    ),
    Column(
        "address",
        "具体位置",
        False,
        "不超过 200 字",
        "吴山村3组老屋场对面",
        ("位置", "地址", "坐落"),
    ),
    Column(
        "area",
        "面积（亩）",
        False,
        "涉及面积，单位亩，最多两位小数",
        "2.35",
        ("面积", "面积(亩)", "涉及面积（亩）"),
    ),
    Column(
        "description",
        "问题描述",
        True,
        "5 至 5000 字",
        "耕地上种植苗木约2.35亩，未恢复粮食生产。",
        ("问题情况", "存在问题"),
    ),
    Column(
        "unit",
        "责任单位",
        False,
        "单位编码、单位名称，或所在县市区、乡镇的名称；不填则为下发单位的下一级",
        "华塘镇",
        ("整改责任单位",),
    ),
    Column(
        "due",
        "整改期限",
        False,
        "日期，如 2026-12-31；不填则为批次的整改期限",
        "2026-12-31",
        ("整改时限", "完成时限"),
    ),
)
LABELS = {c.key: c.header for c in COLUMNS}
TEXT_KEYS = ("ref", "region_code")  # Excel would turn these into numbers
DATE_KEYS = ("due",)


def _normal_header(value: object) -> str:
    text = str(value or "").strip().lower()
    text = text.replace("(", "（").replace(")", "）")
    return re.sub(r"\s+", "", text)


_HEADERS = {
    _normal_header(name): column.key
    for column in COLUMNS
    for name in (column.header, *column.aliases)
}


def find_columns(header: list[Value]) -> tuple[dict[str, int], list[str]]:
    """Where each column is in the file, and which required columns are missing (by header)."""
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = _HEADERS.get(_normal_header(cell))
        if key is not None and key not in index:
            index[key] = i
    missing = [c.header for c in COLUMNS if c.required and c.key not in index]
    if "region_code" not in index and not {"county", "township"} <= set(index):
        missing.append("县市区、乡镇（街道）（或区划代码）")
    return index, missing

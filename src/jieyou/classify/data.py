"""Labelled examples: from a file (CSV, XLSX, JSON lines) or from confirmed cases."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

# Accepted column names, first match wins; the Chinese ones are those of the TipDM export and
# of spreadsheets staff keep by hand.
COLUMNS = {
    "title": ("title", "标题", "留言主题", "主题"),
    "text": ("text", "description", "内容", "留言详情", "描述", "详情"),
    "label": ("label", "category", "标签", "一级标签", "一级分类", "分类", "类别"),
}
MAX_REPORTED = 20


@dataclass(frozen=True)
class Example:
    title: str
    text: str
    label: str


@dataclass(frozen=True)
class LabelledFile:
    examples: list[Example]
    # Rows with every cell empty (spreadsheets often end with some); nothing else is skipped.
    blank_rows: list[int] = field(default_factory=list)


def load_labelled(path: Path) -> list[Example]:
    """Examples from a .csv, .xlsx or .jsonl file with columns title, text (or description)
    and label (or category). Raises ValueError naming every broken row (no label, or neither
    title nor text)."""
    return read_labelled(path).examples


def read_labelled(path: Path) -> LabelledFile:
    """Like :func:`load_labelled`, also telling which blank rows were passed over."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
        unit = "row"
    elif suffix == ".xlsx":
        rows = _xlsx_rows(path)
        unit = "row"
    elif suffix in (".jsonl", ".ndjson"):
        rows = _jsonl_rows(path)
        unit = "line"
    else:
        raise ValueError(f"{path.name}: unsupported file type {suffix!r} (use .csv, .xlsx, .jsonl)")
    return _examples(path, rows, unit)


def _examples(path: Path, rows: Iterable[tuple[int, dict[str, Any]]], unit: str) -> LabelledFile:
    examples: list[Example] = []
    blank: list[int] = []
    problems: list[str] = []
    columns: dict[str, str | None] | None = None
    for number, row in rows:
        if columns is None or unit == "line":
            # A JSON line may leave keys out: that is that row's problem, not the file's.
            columns = _columns(path, row.keys(), strict=unit != "line")
        values = {key: _cell(row.get(name)) if name else "" for key, name in columns.items()}
        if not any(_cell(v) for v in row.values()):
            blank.append(number)
            continue
        missing = []
        if not values["label"]:
            missing.append("no label")
        if not values["title"] and not values["text"]:
            missing.append("no title or text")
        if missing:
            problems.append(f"{unit} {number}: {', '.join(missing)}")
            continue
        examples.append(Example(values["title"], values["text"], values["label"]))
    if problems:
        shown = "; ".join(problems[:MAX_REPORTED])
        more = f"; and {len(problems) - MAX_REPORTED} more" if len(problems) > MAX_REPORTED else ""
        raise ValueError(f"{path.name}: {len(problems)} broken {unit}s: {shown}{more}")
    return LabelledFile(examples, blank)


def _columns(path: Path, names: Iterable[Any], *, strict: bool) -> dict[str, str | None]:
    """Which column holds title, text and label."""
    by_lower = {str(n).strip().lower(): n for n in names if n is not None}
    found: dict[str, str | None] = {}
    for key, aliases in COLUMNS.items():
        found[key] = next((by_lower[a] for a in aliases if a in by_lower), None)
    if strict and (found["label"] is None or (found["title"] is None and found["text"] is None)):
        raise ValueError(
            f"{path.name}: needs a label (or category) column and a title or text (or "
            f"description) column; found {sorted(by_lower)}"
        )
    return found


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in China saves CSV as GBK by default.
        content = raw.decode("gb18030")
    reader = csv.DictReader(io.StringIO(content, newline=""))
    # Row 1 is the header, as a spreadsheet numbers them.
    for number, row in enumerate(reader, start=2):
        yield number, {k: v for k, v in row.items() if k is not None}


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise ValueError(f"{path.name}: not a readable .xlsx file") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise ValueError(f"{path.name}: the first sheet is empty")
        for number, values in enumerate(rows, start=2):
            yield number, {h: v for h, v in zip(header, values, strict=False) if h is not None}
    finally:
        workbook.close()


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name}: line {number} is not JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise ValueError(f"{path.name}: line {number} is not a JSON object")
            yield number, row


def examples_from_db(session: Session) -> list[Example]:
    """Cases whose category a person confirmed, labelled with the name of the first-level
    category (the first two characters of the code: "0201" -> "02" -> 劳动和社会保障)."""
    from jieyou.cases.models import Case
    from jieyou.routing.models import Category

    stmt = (
        select(Case.title, Case.description, Category.name)
        .join(Category, Category.code == func.substr(Case.category_code, 1, 2))
        .where(Case.category_confirmed.is_(True), Case.category_code.is_not(None))
        .order_by(Case.id)
    )
    return [Example(t or "", d or "", name) for t, d, name in session.execute(stmt)]

"""Reading a spreadsheet of cases, one row at a time, whatever its size.

Two formats: ``.csv`` (UTF-8 with or without BOM, or GB18030 as Chinese Excel saves it;
comma or tab) and ``.xlsx``. Rows come out as ``(row number, values)`` in the template's
column order; the row number is what a person sees in Excel (the header is row 1).

**Why not openpyxl for the rows.** Its read-only mode costs about 380 µs of CPU a row of twelve
cells, which alone caps an import below the 3,000 rows/s target. :class:`XlsxRows` parses the
worksheet XML itself with ElementTree's C parser (about 50 µs a row), and uses openpyxl only
for what it does once per file (number formats that are dates, Excel serial dates).
``tests/transfer/test_reader.py`` holds it to openpyxl's values cell by cell.

Cells come out as Python values; a formula is :class:`Formula` and an error value
(``#N/A``) is :class:`CellError`, so validation refuses the row. Text that starts with
``'`` followed by one of ``= + - @`` (how :mod:`jieyou.transfer.exporter` escapes cells) is
read back without the ``'``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any
from xml.etree import ElementTree as ET

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from jieyou.errors import Invalid
from jieyou.transfer.template import BY_NAME, NAMES, REQUIRED


@dataclass(frozen=True)
class Formula:
    text: str


@dataclass(frozen=True)
class CellError:
    """An Excel error value (``#N/A``, ``#REF!``) or a row the CSV parser could not read."""

    text: str


Value = str | int | float | bool | datetime | Formula | CellError | None

# What Excel itself allows in a cell; anything longer is not a spreadsheet someone typed.
MAX_CELL_CHARS = 32_767
# An .xlsx part that inflates more than this many times over is refused (a zip bomb).
MAX_INFLATION = 200
# Dangerous first characters of a cell (CSV/formula injection); see exporter.escape_cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# +cmd|…, @SUM(…), -HYPERLINK(…): what a spreadsheet would run if the cell started it.
_FORMULA_LIKE = re.compile(r"^\s*(?:=|[+\-@]\s*[A-Za-z_][\w.]*\s*[(!|])")


def unescape(text: str) -> str:
    """Undo :func:`jieyou.transfer.exporter.escape_cell`."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def read_text(text: str) -> Value:
    """A text cell as validation should see it: a :class:`Formula` if a spreadsheet would run
    it (whether or not this file stored it as a formula), else the text, unescaped."""
    if _FORMULA_LIKE.match(text):
        return Formula(text)
    return unescape(text)


# --- the column mapping ------------------------------------------------------------------


@dataclass(frozen=True)
class Mapping:
    """Another layout: which of its headers holds each of our columns, and optionally how its
    values translate to ours (e.g. its status 办结 is our closed)."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)


def load_mapping(path: Path) -> Mapping:
    """A JSON file ``{"columns": {"external_id": "工单编号", …}, "values": {"status":
    {"办结": "closed"}}}`` (or just the columns object), or a two-column CSV/XLSX
    ``our_column,their_column`` with that header."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            raw = json.loads(path.read_text(encoding="utf-8-sig"))
            if not isinstance(raw, dict):
                raise Invalid("映射文件应为 JSON 对象", code="bad_mapping")
            if "columns" in raw or "values" in raw:
                columns, values = raw.get("columns") or {}, raw.get("values") or {}
            else:
                columns, values = raw, {}
        elif suffix in (".csv", ".xlsx"):
            rows = list(_table_rows(path))
            if not rows or [str(c or "").strip() for c in rows[0][:2]] != [
                "our_column",
                "their_column",
            ]:
                raise Invalid("映射文件第一行应为 our_column,their_column", code="bad_mapping")
            columns = {
                str(r[0]).strip(): str(r[1]).strip()
                for r in rows[1:]
                if len(r) >= 2 and r[0] not in (None, "") and r[1] not in (None, "")
            }
            values = {}
        else:
            raise Invalid("映射文件应为 .json、.csv 或 .xlsx", code="bad_mapping")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Invalid(f"无法读取映射文件 {path.name}：{exc}", code="bad_mapping") from None
    if not isinstance(columns, dict) or not isinstance(values, dict):
        raise Invalid("映射文件的 columns 和 values 应为对象", code="bad_mapping")
    unknown = sorted(set(columns) - set(NAMES)) + sorted(set(values) - set(NAMES))
    if unknown:
        raise Invalid(
            f"映射文件中的列名 {'、'.join(unknown)} 不是模板列（{', '.join(NAMES)}）",
            code="bad_mapping",
        )
    for name, table in values.items():
        if not isinstance(table, dict):
            raise Invalid(f"映射文件 values.{name} 应为对象", code="bad_mapping")
    return Mapping(
        columns={k: str(v) for k, v in columns.items()},
        values={k: {str(a): str(b) for a, b in t.items()} for k, t in values.items()},
    )


def _table_rows(path: Path) -> Iterator[list[Value]]:
    with open_rows(path) as source:
        yield source.header
        for _, values in source.raw_rows():
            yield values


# --- a file of rows ----------------------------------------------------------------------


class _Counting(io.RawIOBase):
    """Counts the bytes read through it, for the progress bar. With ``xml``, refuses a
    document type declaration: the parts of an .xlsx never have one, and without one there
    are no entities to expand (billion laughs) or fetch (ElementTree never fetches anyway)."""

    def __init__(self, raw: IO[bytes], *, xml: bool = False) -> None:
        self.raw = raw
        self.count = 0
        self.xml = xml

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        if self.xml and self.count == 0 and (b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data):
            raise Invalid(".xlsx 文件中含有 XML 文档类型声明，拒绝读取", code="bad_file")
        buffer[:n] = data
        self.count += n
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


class RowSource:
    """An open spreadsheet: its header, then its rows. Use as a context manager."""

    header: list[Value]
    total_bytes: int
    _counter: _Counting

    def raw_rows(self) -> Iterator[tuple[int, list[Value]]]:
        raise NotImplementedError

    @property
    def bytes_read(self) -> int:
        return self._counter.count

    def close(self) -> None:
        self._counter.close()

    def __enter__(self) -> RowSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def rows(self, mapping: Mapping | None = None) -> Columns:
        """The template's columns found in the header (through ``mapping``)."""
        return Columns.find(self, mapping or Mapping())


@dataclass
class Columns:
    """Where each template column is in the file, and the rows reordered to the template."""

    source: RowSource
    mapping: Mapping
    index: dict[str, int]  # our column → position in the file's rows
    ignored: list[str]  # headers in the file that map to no column

    @classmethod
    def find(cls, source: RowSource, mapping: Mapping) -> Columns:
        positions: dict[str, int] = {}
        for i, cell in enumerate(source.header):
            name = _header_text(cell)
            if not name:
                continue
            if name in positions:
                raise Invalid(f"表头“{name}”出现了两次", code="duplicate_header")
            positions[name] = i
        index: dict[str, int] = {}
        for column in NAMES:
            wanted = _header_text(mapping.columns.get(column, column))
            if wanted in positions:
                index[column] = positions[wanted]
        missing = [c for c in NAMES if c in REQUIRED and c not in index]
        if missing:
            labels = "、".join(
                f"{mapping.columns.get(c, c)}（{BY_NAME[c].label}）" for c in missing
            )
            raise Invalid(
                f"表头缺少必需的列：{labels}。请使用 jieyou import template 生成的模板，"
                "或用 --mapping 指明对应的列",
                code="missing_columns",
            )
        used = set(index.values())
        ignored = [str(source.header[i]) for i in sorted(set(positions.values()) - used)]
        return cls(source, mapping, index, ignored)

    def __iter__(self) -> Iterator[tuple[int, dict[str, Value]]]:
        """(row number, {our column: value}) for each row with anything in it."""
        index = list(self.index.items())
        values_map = self.mapping.values
        width = len(self.source.header)
        for number, values in self.source.raw_rows():
            if not any(v not in (None, "") for v in values):
                continue
            if isinstance(values, _BrokenRow):
                yield number, {"__broken__": CellError(values.message)}
                continue
            row: dict[str, Value] = {}
            for name, i in index:
                value = values[i] if i < len(values) else None
                if isinstance(value, str):
                    table = values_map.get(name)
                    if table is not None:
                        value = table.get(value.strip(), value)
                    value = read_text(value)
                row[name] = value
            if len(values) > width and any(v not in (None, "") for v in values[width:]):
                row["__broken__"] = CellError(
                    f"该行有 {len(values)} 列，多于表头的 {width} 列（分隔符或引号有误？）"
                )
            yield number, row


def _header_text(value: object) -> str:
    return str(value).strip().lower() if value is not None else ""


class _BrokenRow(list[Value]):
    """A CSV record the parser could not read (e.g. a field over the size limit)."""

    def __init__(self, message: str) -> None:
        super().__init__([CellError(message)])
        self.message = message


def open_rows(path: Path, *, encoding: str | None = None) -> RowSource:
    """Open ``path`` by its extension; a file that cannot be read is refused as a whole."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise Invalid(f"文件不存在：{path}", code="file_not_found")
    if suffix == ".csv":
        return CsvRows(path, encoding=encoding)
    if suffix == ".xlsx":
        return XlsxRows(path)
    if suffix == ".xls":
        raise Invalid("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv", code="bad_file")
    raise Invalid("只能导入 .xlsx 或 .csv 文件", code="bad_file")


# --- CSV ------------------------------------------------------------------------------------


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) if the first bytes decode as UTF-8, else GB18030 (what
    Excel in Chinese saves as "CSV")."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


class CsvRows(RowSource):
    def __init__(self, path: Path, *, encoding: str | None = None) -> None:
        self.total_bytes = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(1 << 18)
        self.encoding = encoding or detect_encoding(head)
        self._counter = _Counting(path.open("rb"))
        # Undecodable bytes become U+FFFD, which validation refuses row by row.
        self._text = io.TextIOWrapper(
            io.BufferedReader(self._counter, 1 << 16),
            encoding=self.encoding,
            errors="replace",
            newline="",
        )
        first = self._text.readline()
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        self._reader = csv.reader(_chain(first, self._text), delimiter=delimiter)
        try:
            self.header = list(next(self._reader))
        except (StopIteration, csv.Error):
            self.header = []
        if not any(self.header):
            self.close()
            raise Invalid("文件是空的或无法识别表头", code="bad_file")

    def raw_rows(self) -> Iterator[tuple[int, list[Value]]]:
        number = 1
        while True:
            number += 1
            try:
                record = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield number, _BrokenRow(f"该行无法解析（{exc}）")
                continue
            yield number, list(record)

    def close(self) -> None:
        self._text.close()


def _chain(first: str, rest: IO[str]) -> Iterator[str]:
    yield first
    yield from rest


# --- XLSX -----------------------------------------------------------------------------------

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


class XlsxRows(RowSource):
    """The first worksheet of an .xlsx file, streamed."""

    def __init__(self, path: Path) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise Invalid(f"不是有效的 .xlsx 文件：{exc}", code="bad_file") from None
        try:
            self._open_workbook()
        except Invalid:
            self._zip.close()
            raise
        except (KeyError, ET.ParseError, ValueError, IndexError) as exc:
            self._zip.close()
            raise Invalid(f"无法读取 .xlsx 文件的结构：{exc}", code="bad_file") from None

    def _part(self, name: str) -> zipfile.ZipInfo:
        info = self._zip.getinfo(name)
        if info.file_size > 1 << 20 and info.file_size > MAX_INFLATION * max(info.compress_size, 1):
            raise Invalid(f".xlsx 文件中的 {name} 解压后异常巨大，拒绝读取", code="bad_file")
        return info

    def _open(self, name: str) -> _Counting:
        self._part(name)
        return _Counting(self._zip.open(name), xml=True)

    def _xml(self, name: str) -> ET.Element:
        with self._open(name) as fh:
            return ET.parse(fh).getroot()  # noqa: S314 - no DTD allowed (_Counting)

    def _open_workbook(self) -> None:
        names = set(self._zip.namelist())
        book = "xl/workbook.xml"
        if "_rels/.rels" in names:
            for rel in self._xml("_rels/.rels"):
                if rel.get("Type", "").endswith("/officeDocument"):
                    book = rel.get("Target", book).lstrip("/")
        root = self._xml(book)
        ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
        if "purl.oclc.org" in ns:
            raise Invalid(
                "不支持 Strict Open XML 格式，请在 Excel 中另存为普通 .xlsx", code="bad_file"
            )
        self._ns = ns
        pr = root.find(f"{ns}workbookPr")
        date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        self._epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        sheets = root.find(f"{ns}sheets")
        if sheets is None or len(sheets) == 0:
            raise Invalid(".xlsx 文件中没有工作表", code="bad_file")
        rid = sheets[0].get(_REL)
        base = PurePosixPath(book).parent
        rels_name = str(base / "_rels" / (PurePosixPath(book).name + ".rels"))
        target = None
        for rel in self._xml(rels_name):
            if rel.get("Id") == rid:
                target = rel.get("Target")
        if target is None:
            raise Invalid(".xlsx 文件中找不到第一个工作表", code="bad_file")
        sheet = target.lstrip("/") if target.startswith("/") else _normal(base / target)
        self._strings = self._shared_strings(base, names)
        self._date_styles = self._dates(base, names)
        self.total_bytes = self._part(sheet).file_size
        self._counter = self._open(sheet)
        self._rows = self._parse_rows()
        try:
            _, self.header = next(self._rows)
        except StopIteration:
            raise Invalid("工作表是空的", code="bad_file") from None

    def _shared_strings(self, base: PurePosixPath, names: set[str]) -> list[str]:
        name = str(base / "sharedStrings.xml")
        if name not in names:
            return []
        ns = self._ns
        si, t, r = f"{ns}si", f"{ns}t", f"{ns}r"
        strings: list[str] = []
        with self._open(name) as fh:
            for _, el in ET.iterparse(fh, events=("end",)):  # noqa: S314 - no DTD (_Counting)
                if el.tag != si:
                    continue
                parts: list[str] = []
                for child in el:
                    if child.tag == t:
                        parts.append(child.text or "")
                    elif child.tag == r:  # rich text runs; phonetic runs (rPh) are skipped
                        parts.extend(x.text or "" for x in child.iter(t))
                strings.append("".join(parts))
                el.clear()
        return strings

    def _dates(self, base: PurePosixPath, names: set[str]) -> frozenset[int]:
        """Indexes of the cell styles whose number format shows a date."""
        name = str(base / "styles.xml")
        if name not in names:
            return frozenset()
        ns = self._ns
        root = self._xml(name)
        custom = {
            int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in root.iter(f"{ns}numFmt")
        }
        xfs = root.find(f"{ns}cellXfs")
        found = set()
        for i, xf in enumerate(xfs if xfs is not None else []):
            fmt_id = int(xf.get("numFmtId", "0"))
            code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id)
            if code and is_date_format(code):
                found.add(i)
        return frozenset(found)

    def raw_rows(self) -> Iterator[tuple[int, list[Value]]]:
        return self._rows

    def _parse_rows(self) -> Iterator[tuple[int, list[Value]]]:
        ns = self._ns
        row_tag, c_tag, v_tag, f_tag = f"{ns}row", f"{ns}c", f"{ns}v", f"{ns}f"
        is_tag, t_tag, data_tag = f"{ns}is", f"{ns}t", f"{ns}sheetData"
        strings, dates, epoch = self._strings, self._date_styles, self._epoch
        columns: dict[str, int] = {}
        parent: ET.Element | None = None
        number = 0
        # No DTD gets through _Counting, so there is nothing for the parser to expand.
        for event, el in ET.iterparse(self._counter, events=("start", "end")):  # noqa: S314
            if event == "start":
                if el.tag == data_tag:
                    parent = el
                continue
            if el.tag != row_tag:
                continue
            r = el.get("r")
            number = int(r) if r else number + 1
            values: list[Value] = []
            for c in el:
                if c.tag != c_tag:
                    continue
                ref = c.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    col = columns.get(letters)
                    if col is None:
                        col = columns[letters] = _column_index(letters)
                    if col > len(values):
                        values.extend([None] * (col - len(values)))
                values.append(_cell(c, strings, dates, epoch, v_tag, f_tag, is_tag, t_tag))
            el.clear()
            if parent is not None:
                del parent[:]
            yield number, values

    def close(self) -> None:
        if hasattr(self, "_counter"):
            self._counter.close()
        self._zip.close()


def _normal(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _column_index(letters: str) -> int:
    """``A`` → 0, ``AB`` → 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _cell(
    c: ET.Element,
    strings: list[str],
    dates: frozenset[int],
    epoch: datetime,
    v_tag: str,
    f_tag: str,
    is_tag: str,
    t_tag: str,
) -> Value:
    kind = c.get("t", "n")
    formula = c.find(f_tag)
    if formula is not None:
        return Formula("=" + (formula.text or ""))
    if kind == "inlineStr":
        node = c.find(is_tag)
        return "".join(x.text or "" for x in node.iter(t_tag)) if node is not None else None
    v = c.find(v_tag)
    text = v.text if v is not None else None
    if text is None:
        return None
    if kind == "s":
        try:
            return strings[int(text)]
        except (ValueError, IndexError):
            return CellError("共享字符串索引无效")
    if kind == "str":
        return text
    if kind == "b":
        return text == "1"
    if kind == "e":
        return CellError(text)
    if kind == "d":
        try:
            return datetime.fromisoformat(text.rstrip("Z"))
        except ValueError:
            return CellError(f"无法识别的日期 {text}")
    try:
        number = float(text)
    except ValueError:
        return CellError(f"无法识别的数字 {text}")
    style = c.get("s")
    if style is not None and int(style) in dates:
        try:
            return from_excel(number, epoch=epoch)
        except (ValueError, OverflowError):
            return CellError(f"无法识别的日期 {text}")
    if number.is_integer() and "." not in text and "E" not in text.upper():
        return int(text)
    return number

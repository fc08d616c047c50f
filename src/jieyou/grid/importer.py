"""Importing a grid register from the template's workbook, row by row.

Each row goes through the same schema and service as the API, inside its own savepoint: a row
is imported whole or not at all, and its problem is reported with the sheet, the row number
as Excel shows it and the column. Places are matched by name within their village (grids) or
grid (lanes), so importing the same file twice finds everything already there and changes
nothing; a row that differs updates only the cells it fills.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.db import utcnow
from jieyou.errors import JieyouError, NotPermitted
from jieyou.grid import repository, service
from jieyou.grid.excel import SHEETS, CellProblem, Sheet, as_date, read_workbook
from jieyou.grid.models import Post
from jieyou.grid.permissions import EDITING_ROLES, editable_region
from jieyou.grid.schemas import (
    AssignmentIn,
    GridIn,
    GridPatch,
    GroupIn,
    GroupPatch,
    LaneIn,
    LanePatch,
    error_messages,
)
from jieyou.privacy import mask_phone
from jieyou.regions.models import Level, Region
from jieyou.routing.calendar import local_date

POSTS = {
    "片长": Post.grid_chief,
    "组长": Post.group_chief,
    "巷长": Post.lane_chief,
    "邻长": Post.lane_chief,
    "巷长(邻长)": Post.lane_chief,
    "巷长（邻长）": Post.lane_chief,
    "邻长(巷长)": Post.lane_chief,
    "网格员": Post.grid_worker,
    **{p.value: p for p in Post},
}
KINDS = {"网格": "grids", "巷道": "lanes", "村民小组": "groups", "三长": "chiefs"}


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str | None
    message: str

    def text(self) -> str:
        column = f" {self.column}" if self.column else ""
        return f"{self.sheet} 第 {self.row} 行{column}：{self.message}"


@dataclass
class ImportResult:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def refused_rows(self) -> int:
        return len({(e.sheet, e.row) for e in self.errors})

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


class RowErrorRead(BaseModel):
    sheet: str
    row: int
    column: str | None
    message: str


class ImportRead(BaseModel):
    created: dict[str, int] = Field(description="新增：grids、lanes、groups、chiefs")
    updated: dict[str, int] = Field(description="已有、按本次文件更新的")
    unchanged: dict[str, int] = Field(description="已有且无变化的（重复导入时）")
    refused_rows: int
    errors: list[RowErrorRead]
    ignored_columns: list[str]

    @classmethod
    def of(cls, r: ImportResult) -> ImportRead:
        def counts(c: Counter[str]) -> dict[str, int]:
            return {k: c.get(k, 0) for k in KINDS.values()}

        return cls(
            created=counts(r.created),
            updated=counts(r.updated),
            unchanged=counts(r.unchanged),
            refused_rows=r.refused_rows,
            errors=[RowErrorRead(**e.__dict__) for e in r.errors],
            ignored_columns=r.ignored_columns,
        )


class _RowRefused(Exception):
    def __init__(self, column: str | None, message: str) -> None:
        self.column = column
        self.message = message


class _Importer:
    def __init__(
        self, session: Session, actor: User | None, default_village: str | None, today: date
    ) -> None:
        self.s = session
        self.actor = actor
        self.default_village = default_village
        self.today = today
        self.sheet = ""
        self.headers: dict[str, str] = {}

    # --- helpers ----------------------------------------------------------------------------

    def refuse(self, key: str | None, message: str) -> _RowRefused:
        return _RowRefused(self.headers.get(key or "", None), message)

    def text(self, cells: dict[str, Any], key: str) -> str | None:
        value = cells.get(key)
        if isinstance(value, CellProblem):
            raise self.refuse(key, str(value))
        if value is None:
            return None
        return str(value).strip() or None

    def village(self, cells: dict[str, Any]) -> Region:
        code = self.text(cells, "village") or self.default_village
        if code is None:
            raise self.refuse("village", "请填写村代码，或在导入时指定村")
        if not (code.isdigit() and len(code) == 12):
            raise self.refuse("village", f"{code} 不是 12 位村（社区）代码")
        try:
            return editable_region(self.s, self.actor, code, Level.village)
        except JieyouError as exc:
            raise self.refuse("village", exc.message) from None

    def grid(self, village: Region, name: str | None, key: str = "grid") -> Region:
        if name is None:
            raise self.refuse(key, "请填写网格名称")
        for r in repository.children(self.s, village.code):
            if r.name == name and r.level == Level.grid.value:
                return r
        raise self.refuse(key, f"{village.name}没有名为“{name}”的网格，请先在“网格”表中列出")

    def lane(self, grid: Region, name: str | None) -> Region:
        if name is None:
            raise self.refuse("lane", "请填写巷道名称")
        for r in repository.children(self.s, grid.code):
            if r.name == name:
                return r
        raise self.refuse("lane", f"{grid.name}没有名为“{name}”的巷道，请先在“巷道”表中列出")

    def model(self, cls: type[BaseModel], names: dict[str, str], **values: Any) -> Any:
        """Validate through the API's schema; ``names`` maps schema fields to our columns."""
        try:
            return cls(**values)
        except ValidationError as exc:
            field, message = next(iter(error_messages(exc).items()))
            raise self.refuse(names.get(field, field), message) from None

    # --- one row of each sheet --------------------------------------------------------------

    def grid_row(self, cells: dict[str, Any]) -> str:
        village = self.village(cells)
        name = self.text(cells, "grid")
        values = {
            "name": name,
            "households": cells.get("households"),
            "boundary": self.text(cells, "boundary"),
        }
        data = self.model(GridIn, {"name": "grid"}, **values)
        existing = next(
            (
                r
                for r in repository.children(self.s, village.code)
                if r.name == data.name and r.level == Level.grid.value
            ),
            None,
        )
        if existing is None:
            service.create_grid(self.s, actor=self.actor, village_code=village.code, data=data)
            return "created"
        has_lanes = bool(repository.children(self.s, existing.code))
        change: dict[str, Any] = {}
        if data.households is not None and not has_lanes and data.households != existing.households:
            change["households"] = data.households
        if data.boundary is not None and data.boundary != existing.boundary:
            change["boundary"] = data.boundary
        if not change:
            return "unchanged"
        service.update_grid(self.s, actor=self.actor, code=existing.code, data=GridPatch(**change))
        return "updated"

    def lane_row(self, cells: dict[str, Any]) -> str:
        village = self.village(cells)
        grid = self.grid(village, self.text(cells, "grid"))
        values = {
            "name": self.text(cells, "lane"),
            "households": cells.get("households"),
            "boundary": self.text(cells, "boundary"),
        }
        data = self.model(LaneIn, {"name": "lane"}, **values)
        existing = next(
            (r for r in repository.children(self.s, grid.code) if r.name == data.name), None
        )
        if existing is None:
            service.create_lane(self.s, actor=self.actor, grid_code=grid.code, data=data)
            return "created"
        change: dict[str, Any] = {}
        if data.households != existing.households:
            change["households"] = data.households
        if data.boundary is not None and data.boundary != existing.boundary:
            change["boundary"] = data.boundary
        if not change:
            return "unchanged"
        service.update_lane(self.s, actor=self.actor, code=existing.code, data=LanePatch(**change))
        return "updated"

    def group_row(self, cells: dict[str, Any]) -> str:
        village = self.village(cells)
        grid_name = self.text(cells, "grid")
        grid_code = self.grid(village, grid_name).code if grid_name else None
        values = {
            "name": self.text(cells, "group"),
            "number": cells.get("number"),
            "households": cells.get("households"),
            "grid_code": grid_code,
            "boundary": self.text(cells, "boundary"),
        }
        data = self.model(GroupIn, {"name": "group"}, **values)
        existing = repository.group_by_name(self.s, village.code, data.name)
        if existing is None:
            service.create_group(self.s, actor=self.actor, village_code=village.code, data=data)
            return "created"
        change = {
            k: getattr(data, k)
            for k in ("number", "households", "grid_code", "boundary")
            if getattr(data, k) is not None and getattr(data, k) != getattr(existing, k)
        }
        if not change:
            return "unchanged"
        service.update_group(
            self.s, actor=self.actor, group_id=existing.id, data=GroupPatch(**change)
        )
        return "updated"

    def chief_row(self, cells: dict[str, Any]) -> str:
        village = self.village(cells)
        raw_post = self.text(cells, "post")
        post = POSTS.get((raw_post or "").replace(" ", ""))
        if post is None:
            raise self.refuse("post", "请填写岗位：片长、组长、巷长（邻长）或网格员")
        place: str | None = None
        group_id: int | None = None
        if post == Post.group_chief:
            name = self.text(cells, "group")
            group = repository.group_by_name(self.s, village.code, name) if name else None
            if group is None:
                raise self.refuse(
                    "group",
                    f"{village.name}没有名为“{name}”的村民小组" if name else "组长须填写小组名称",
                )
            group_id = group.id
        else:
            grid = self.grid(village, self.text(cells, "grid"))
            place = grid.code
            if post == Post.lane_chief:
                place = self.lane(grid, self.text(cells, "lane")).code
        current = repository.current_holders(
            self.s, post=post, region_code=place, group_id=group_id
        )
        phone = self.text(cells, "phone")
        if phone and "*" in phone:
            # An export read by someone who sees phones masked: the same number as the
            # holder's is no change; anything else cannot be stored.
            if not any(a.phone and mask_phone(a.phone) == phone for a in current):
                raise self.refuse("phone", "号码已隐去，请填写完整号码")
            phone = None
        values = {
            "post": post,
            "place": place,
            "group_id": group_id,
            "person_name": self.text(cells, "person_name"),
            "phone": phone,
            "username": self.text(cells, "username"),
            "duties": self.text(cells, "duties"),
            "duties_note": self.text(cells, "duties_note"),
            "started_on": as_date(cells.get("started_on")),
        }
        data: AssignmentIn = self.model(
            AssignmentIn, {"place": "grid", "group_id": "group"}, **values
        )
        same = next(
            (
                a
                for a in current
                if a.person_name == data.person_name
                and (data.phone is None or a.phone == data.phone)
            ),
            None,
        )
        if same is None:
            service.assign(self.s, actor=self.actor, data=data, today=self.today)
            return "created"
        user = service.linked_user(self.s, data.username, village)
        changed = service.update_duties(
            self.s, same, duties=data.duties, note=data.duties_note, user=user
        )
        return "updated" if changed else "unchanged"

    # --- the sheets -------------------------------------------------------------------------

    def run(self, sheets: list[Sheet], result: ImportResult) -> None:
        handlers = {
            "网格": self.grid_row,
            "巷道": self.lane_row,
            "村民小组": self.group_row,
            "三长": self.chief_row,
        }
        for sheet in sheets:
            self.sheet = sheet.name
            self.headers = {c.key: c.header for c in SHEETS[sheet.name]}
            result.ignored_columns.extend(f"{sheet.name}：{h}" for h in sheet.ignored)
            if sheet.missing:
                result.errors.append(
                    RowError(sheet.name, 1, None, f"表头缺少必需的列：{'、'.join(sheet.missing)}")
                )
                continue
            kind = KINDS[sheet.name]
            for number, cells in sheet.rows:
                try:
                    for key, value in cells.items():
                        if isinstance(value, CellProblem):
                            raise self.refuse(key, str(value))
                    with self.s.begin_nested():
                        outcome = handlers[sheet.name](cells)
                except _RowRefused as exc:
                    result.errors.append(RowError(sheet.name, number, exc.column, exc.message))
                    continue
                except JieyouError as exc:
                    if exc.status >= 500:
                        raise
                    column = self.headers.get(_column_of(sheet.name, exc.extra.get("field")))
                    result.errors.append(RowError(sheet.name, number, column, exc.message))
                    continue
                getattr(result, outcome)[kind] += 1


# Service field names → the column of each sheet they come from.
_FIELD_COLUMNS = {
    "网格": {"name": "grid"},
    "巷道": {"name": "lane"},
    "村民小组": {"name": "group", "grid_code": "grid"},
    "三长": {"place": "grid", "group_id": "group"},
}


def _column_of(sheet: str, field_name: object) -> str:
    name = str(field_name or "")
    return _FIELD_COLUMNS.get(sheet, {}).get(name, name)


def import_workbook(
    session: Session,
    *,
    actor: User | None,
    path: Path,
    village: str | None = None,
    today: date | None = None,
) -> ImportResult:
    """Import what the workbook holds; good rows stay, bad rows are reported."""
    if actor is not None and Role(actor.role) not in EDITING_ROLES:
        raise NotPermitted(
            "只有村（社区）及以上的工作人员可以导入网格台账", code="grid_edit_not_permitted"
        )
    sheets = read_workbook(path)
    result = ImportResult()
    _Importer(session, actor, village, today or local_date(utcnow())).run(sheets, result)
    return result

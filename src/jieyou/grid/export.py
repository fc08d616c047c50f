"""A village's register as rows of the import template, so an export can be corrected in
Excel and imported again (rows that did not change are found unchanged)."""

from __future__ import annotations

from typing import Any

from jieyou.grid.excel import SHEETS
from jieyou.grid.models import DUTY_LABELS, POST_LABELS, Duty, Post
from jieyou.grid.repository import Holder, Register
from jieyou.privacy import mask_phone


def _keys(sheet: str) -> list[str]:
    return [c.key for c in SHEETS[sheet]]


def _row(sheet: str, **values: Any) -> list[Any]:
    return [values.get(k) for k in _keys(sheet)]


def register_rows(reg: Register, *, full_phones: bool) -> dict[str, list[list[Any]]]:
    village = reg.village.code

    def chief(h: Holder, **where: Any) -> list[Any]:
        a = h.a
        phone = a.phone if full_phones or not a.phone else mask_phone(a.phone)
        post = Post(a.post)
        return _row(
            "三长",
            village=village,
            post="巷长" if post == Post.lane_chief else POST_LABELS[post],
            person_name=a.person_name,
            phone=phone,
            username=h.username,
            duties="、".join(DUTY_LABELS[Duty(d)] for d in a.duties),
            duties_note=a.duties_note,
            started_on=a.started_on,
            **where,
        )

    rows: dict[str, list[list[Any]]] = {name: [] for name in SHEETS}
    for g in reg.grids:
        rows["网格"].append(
            _row(
                "网格",
                village=village,
                grid=g.region.name,
                households=g.households,
                boundary=g.region.boundary,
            )
        )
        if g.chief:
            rows["三长"].append(chief(g.chief, grid=g.region.name))
        for w in g.workers:
            rows["三长"].append(chief(w, grid=g.region.name))
        for lane in g.lanes:
            rows["巷道"].append(
                _row(
                    "巷道",
                    village=village,
                    grid=g.region.name,
                    lane=lane.region.name,
                    households=lane.region.households,
                    boundary=lane.region.boundary,
                )
            )
            if lane.chief:
                rows["三长"].append(chief(lane.chief, grid=g.region.name, lane=lane.region.name))
    for gr in reg.groups:
        group = gr.group
        rows["村民小组"].append(
            _row(
                "村民小组",
                village=village,
                group=group.name,
                number=group.number,
                households=group.households,
                grid=gr.grid_name,
                boundary=group.boundary,
            )
        )
        if gr.chief:
            rows["三长"].append(chief(gr.chief, group=group.name))
    return rows

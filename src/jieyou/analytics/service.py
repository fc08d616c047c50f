"""The dashboard's figures: who may see which region, periods, rates, the map, the trend and
the ranking. Everything is read from the aggregates (see :mod:`jieyou.analytics.aggregates`);
nothing here scans cases. Definitions: docs/decisions/0007-dashboard-figures.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.analytics import repository as repo
from jieyou.analytics.facts import week_of
from jieyou.analytics.models import HANDLING_BOUNDS_HOURS, HANDLING_COLUMNS, Grain
from jieyou.analytics.repository import Counts, Period
from jieyou.analytics.schemas import (
    AlertItem,
    AreaRef,
    AreaStat,
    CategoryCount,
    Hotspot,
    Kpis,
    MapRead,
    OpenNow,
    RankingRead,
    RankingRow,
    Rate,
    SummaryRead,
    TrendPoint,
    TrendRead,
)
from jieyou.cases.permissions import SEES_EVERYTHING
from jieyou.db import utcnow
from jieyou.errors import Invalid, NotFound, NotPermitted
from jieyou.mediation.repository import success_counts
from jieyou.regions.models import PATH_LENGTH, Level, Region
from jieyou.timefmt import to_local

# The dashboard is for the centres that oversee (乡镇综治中心 and above): the aggregates go
# down to townships, not to villages, and departments have no region of their own.
DASHBOARD_ROLES = frozenset({Role.admin, Role.city, Role.county, Role.township})
STATS_LEVELS = (Level.city, Level.county, Level.township)
CHILD_LEVEL = {Level.city: Level.county, Level.county: Level.township}
MAX_PERIOD_DAYS = 3 * 366
# Each sort: the rate's numerator and denominator among the counts.
RATE_PARTS = {
    "response": ("responded_on_time", "responded"),
    "resolution": ("solved", "concluded"),
    "satisfaction": ("satisfied", "rated"),
}
RANK_MEASURES = (
    "received",
    "responded",
    "responded_on_time",
    "concluded",
    "solved",
    "rated",
    "satisfied",
)
TREND_MEASURES = ("received", "accepted", "resolved", "solved")
HOTSPOTS = 10
DEFAULT_MIN_CASES = 10


# --- scope and period ----------------------------------------------------------------------


def can_see_dashboard(actor: User) -> bool:
    return Role(actor.role) in DASHBOARD_ROLES


def region_for(session: Session, actor: User, code: str | None) -> Region:
    """The region the figures are about: the actor's own by default; anything outside the
    actor's subtree answers like a missing region."""
    role = Role(actor.role)
    if role not in DASHBOARD_ROLES:
        raise NotPermitted(
            "一图可视面向乡镇（街道）及以上综治中心，您的账号无权查看",
            code="dashboard_not_permitted",
        )
    region = session.get(Region, code or actor.region_code)
    if region is None or (
        role not in SEES_EVERYTHING and not region.path.startswith(actor.region_path)
    ):
        raise NotFound(f"地区 {code} 不存在", code="region_not_found", field="region")
    return _statistical(region)


def region_by_code(session: Session, code: str) -> Region:
    """For operators (the command line): any region, no scope."""
    region = session.get(Region, code)
    if region is None:
        raise NotFound(f"地区 {code} 不存在", code="region_not_found", field="region")
    return _statistical(region)


def _statistical(region: Region) -> Region:
    if region.level not in STATS_LEVELS:
        raise Invalid(
            "统计到乡镇（街道）一级：请选择市、县（市、区）或乡镇（街道）",
            code="region_too_fine",
            field="region",
        )
    return region


def today() -> date:
    return to_local(utcnow()).date()


def period_of(start: date | None, end: date | None, *, now: date | None = None) -> Period:
    """Both ends included; by default from the first of this month to today."""
    end = end or now or today()
    start = start or end.replace(day=1)
    if start > end:
        raise Invalid("开始日期不能晚于结束日期", code="bad_period", field="from")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise Invalid("统计期间最长三年", code="period_too_long", field="from")
    return Period(start, end)


def month_period(month: str) -> Period:
    """``2026-11`` → the whole of November 2026."""
    try:
        first = datetime.strptime(month, "%Y-%m").date()  # noqa: DTZ007 - a calendar month
    except ValueError:
        raise Invalid("月份格式应为 2026-11", code="bad_month", field="month") from None
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return Period(first, last)


def area_ref(region: Region) -> AreaRef:
    return AreaRef(code=region.code, name=region.name, level=region.level)


# --- reads --------------------------------------------------------------------------------


class Reads:
    """The repository reads of one request, each made once: the page asks for several figures
    of the same region and period (the totals, the areas, the cases open now)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._memo: dict[tuple[Any, ...], dict[Any, Counts]] = {}

    def region(self, region: Region, period: Period, *, area_length: int = 0) -> dict[Any, Counts]:
        """All the counts, in total (key None) or per area."""
        key = ("region", region.path, period, area_length)
        if key not in self._memo:
            self._memo[key] = repo.region_counts(
                self.session, path=region.path, period=period, area_length=area_length
            )
        return self._memo[key]

    def open(self, region: Region, *, area_length: int = 0) -> dict[Any, Counts]:
        key = ("open", region.path, area_length)
        if key not in self._memo:
            self._memo[key] = repo.open_counts(
                self.session, path=region.path, area_length=area_length
            )
        return self._memo[key]


# --- rates ---------------------------------------------------------------------------------


def rate(numerator: int, denominator: int) -> Rate:
    value = round(numerator / denominator, 4) if denominator else None
    return Rate(value=value, numerator=numerator, denominator=denominator)


def median_hours(counts: Counts) -> tuple[float | None, bool]:
    """The median handling time from the histogram, interpolated linearly inside its bucket;
    in the open-ended last bucket, its lower bound (and True)."""
    hist = [counts.get(name, 0) for name in HANDLING_COLUMNS]
    total = sum(hist)
    if total == 0:
        return None, False
    half = total / 2
    seen = 0
    for i, n in enumerate(hist):
        if n and seen + n >= half:
            low = HANDLING_BOUNDS_HOURS[i]
            if i == len(hist) - 1:
                return float(low), True
            high = HANDLING_BOUNDS_HOURS[i + 1]
            return round(low + (half - seen) / n * (high - low), 1), False
        seen += n
    raise AssertionError("unreachable")


def mediation_counts(session: Session, region: Region, period: Period) -> tuple[int, int]:
    """(concluded, agreed) mediations of the region in the period, read from the mediation
    records themselves: a few per village a month, no aggregate needed."""
    since, until = repo.window(period)
    return success_counts(session, path=region.path, since=since, until=until)


def kpis_of(c: Counts, *, mediation: tuple[int, int] | None = None) -> Kpis:
    median, at_least = median_hours(c)
    return Kpis(
        received=c["received"],
        accepted=c["accepted"],
        resolved=c["resolved"],
        rejected=c["rejected"],
        merged=c["merged"],
        unrated=c["unrated"],
        on_time_rate=rate(c["resolved_on_time"], c["resolved"]),
        response_rate=rate(c["responded_on_time"], c["responded"]),
        resolution_rate=rate(c["solved"], c["concluded"]),
        satisfaction_rate=rate(c["satisfied"], c["rated"]),
        grassroots_rate=rate(c["resolved_grassroots"], c["resolved"]),
        mediation_success_rate=rate(mediation[1], mediation[0]) if mediation else None,
        mediation_note=(
            f"调解结案 {mediation[0]} 件，达成协议 {mediation[1]} 件" if mediation else "仅全区合计"
        ),
        median_handling_hours=median,
        median_at_least=at_least,
    )


# --- the figures ---------------------------------------------------------------------------


def summary(
    session: Session, region: Region, period: Period, *, reads: Reads | None = None
) -> SummaryRead:
    reads = reads or Reads(session)
    totals = reads.region(region, period)[None]
    open_now = reads.open(region)[None]
    names = repo.first_level_categories(session)
    by_place = repo.category_counts(session, path=region.path, period=period)
    per_category: dict[str, Counts] = {}
    for (_, code), counts in by_place.items():
        into = per_category.setdefault(code, {"received": 0, "resolved": 0})
        into["received"] += counts["received"]
        into["resolved"] += counts["resolved"]
    categories = sorted(
        (
            CategoryCount(
                code=code,
                name=names.get(code, "未分类"),
                received=c["received"],
                resolved=c["resolved"],
            )
            for code, c in per_category.items()
            if c["received"] or c["resolved"]
        ),
        key=lambda x: (-x.received, x.code),
    )
    top = sorted(
        ((key, c["received"]) for key, c in by_place.items() if c["received"]),
        key=lambda item: (-item[1], item[0]),
    )[:HOTSPOTS]
    places = repo.region_names(session, {path for (path, _), _ in top})
    hotspots = []
    for (path, category), received in top:
        code, name = places.get(path, (path, path))
        hotspots.append(
            Hotspot(
                region=AreaRef(code=code, name=name, level=_level_of(path)),
                category_code=category,
                category_name=names.get(category, "未分类"),
                received=received,
            )
        )
    return SummaryRead(
        region=area_ref(region),
        start=period.start,
        end=period.end,
        kpis=kpis_of(totals, mediation=mediation_counts(session, region, period)),
        open=OpenNow(**open_now),
        categories=categories,
        hotspots=hotspots,
        as_of=utcnow(),
    )


def _level_of(path: str) -> str:
    for level, length in PATH_LENGTH.items():
        if length == len(path):
            return level.value
    return ""


def _area_stat(ref: AreaRef, counts: Counts, open_now: Counts) -> AreaStat:
    return AreaStat(
        region=ref,
        received=counts.get("received", 0),
        resolved=counts.get("resolved", 0),
        open=open_now.get("open", 0),
        high_risk=open_now.get("high_risk", 0),
        overdue=open_now.get("overdue", 0),
        resolution_rate=rate(counts.get("solved", 0), counts.get("concluded", 0)),
    )


def map_of(
    session: Session, region: Region, period: Period, *, reads: Reads | None = None
) -> MapRead:
    """The region and each of its counties (for the city) or townships (for a county)."""
    reads = reads or Reads(session)
    whole = _area_stat(
        area_ref(region), reads.region(region, period)[None], reads.open(region)[None]
    )
    areas: list[AreaStat] = []
    child = CHILD_LEVEL.get(Level(region.level))
    if child is not None:
        length = PATH_LENGTH[child]
        counts = reads.region(region, period, area_length=length)
        open_now = reads.open(region, area_length=length)
        areas = [
            _area_stat(area_ref(r), counts.get(r.path, {}), open_now.get(r.path, {}))
            for r in repo.child_regions(session, region)
        ]
    return MapRead(
        region=area_ref(region), start=period.start, end=period.end, whole=whole, areas=areas
    )


def _days(period: Period) -> list[date]:
    return [period.start + timedelta(days=i) for i in range((period.end - period.start).days + 1)]


FOLD = {"day": lambda d: d, "week": week_of, "month": lambda d: d.replace(day=1)}
GRAINS = {"day": Grain.day, "week": Grain.week, "month": Grain.month}


def trend_points(
    session: Session, region: Region, period: Period, grains: tuple[str, ...]
) -> dict[str, list[TrendPoint]]:
    """Points for each of ``grains`` (day, week, month): every day, week (its Monday) or month
    of the period, zero-filled; weeks and months at the ends count only the days inside."""
    out: dict[str, list[TrendPoint]] = {}
    daily: dict[tuple[str, date], Counts] | None = None
    for grain in grains:
        if grain == "week" and daily is not None:
            rows = daily  # the page wants both: fold the days already read into weeks
        else:
            rows = repo.trend_counts(
                session,
                path=region.path,
                period=period,
                measures=TREND_MEASURES,
                grain=GRAINS[grain],
            )
            if grain == "day":
                daily = rows
        fold = FOLD[grain]
        points: dict[date, Counts] = {}
        for (_, day), counts in rows.items():
            into = points.setdefault(fold(day), dict.fromkeys(TREND_MEASURES, 0))
            for m in TREND_MEASURES:
                into[m] += counts[m]
        keys = sorted({fold(d) for d in _days(period)})
        out[grain] = [
            TrendPoint(day=k, **{m: points.get(k, {}).get(m, 0) for m in TREND_MEASURES})
            for k in keys
        ]
    return out


def trend(session: Session, region: Region, period: Period, grain: str) -> TrendRead:
    if grain not in ("day", "week", "month"):
        raise Invalid("grain 应为 day、week 或 month", code="bad_grain", field="grain")
    points = trend_points(session, region, period, (grain,))[grain]
    return TrendRead(
        region=area_ref(region), start=period.start, end=period.end, grain=grain, points=points
    )


def default_ranking_by(region: Region) -> str:
    return "region" if Level(region.level) in CHILD_LEVEL else "unit"


def ranking(
    session: Session,
    region: Region,
    period: Period,
    *,
    by: str | None = None,
    sort: str = "resolution",
    min_cases: int = DEFAULT_MIN_CASES,
    limit: int = 50,
    reads: Reads | None = None,
) -> RankingRead:
    """Areas one level down (``by`` region) or responsible units (unit), by one of the three
    rates. Only those with at least ``min_cases`` in the rate's denominator get a rank, so a
    unit with two cases cannot top the list; the rest follow, unranked."""
    by = by or default_ranking_by(region)
    if sort not in RATE_PARTS:
        raise Invalid("sort 应为 response、resolution 或 satisfaction", code="bad_sort")
    entries: list[tuple[str, str, Counts]] = []
    if by == "region":
        child = CHILD_LEVEL.get(Level(region.level))
        if child is None:
            raise Invalid("乡镇（街道）没有下级地区统计，请按责任单位排名", code="bad_ranking")
        counts = (reads or Reads(session)).region(region, period, area_length=PATH_LENGTH[child])
        entries = [
            (r.code, r.name, counts.get(r.path, {})) for r in repo.child_regions(session, region)
        ]
    elif by == "unit":
        entries = repo.unit_counts(session, path=region.path, period=period, measures=RANK_MEASURES)
    else:
        raise Invalid("by 应为 region 或 unit", code="bad_ranking")
    # Sort on plain numbers; build response rows only for what is returned (a city has
    # thousands of units).
    numerator, denominator = RATE_PARTS[sort]

    def parts(c: Counts) -> tuple[float, int]:
        den = c.get(denominator, 0)
        return (c.get(numerator, 0) / den if den else 0.0), den

    ranked = sorted(
        (e for e in entries if parts(e[2])[1] >= min_cases),
        key=lambda e: (-parts(e[2])[0], -parts(e[2])[1], e[0]),
    )
    rest = sorted(
        (e for e in entries if parts(e[2])[1] < min_cases and e[2].get("received")),
        key=lambda e: (-parts(e[2])[1], e[0]),
    )
    rows = [
        _ranking_row(code, name, c, rank=i + 1 if i < len(ranked) else None)
        for i, (code, name, c) in enumerate((ranked + rest)[:limit])
    ]
    return RankingRead(
        region=area_ref(region),
        start=period.start,
        end=period.end,
        by=by,
        sort=sort,
        min_cases=min_cases,
        rows=rows,
        unranked=len(rest),
    )


def _ranking_row(code: str, name: str, c: Counts, *, rank: int | None) -> RankingRow:
    get = c.get
    return RankingRow(
        rank=rank,
        code=code,
        name=name,
        received=get("received", 0),
        response_rate=rate(get("responded_on_time", 0), get("responded", 0)),
        resolution_rate=rate(get("solved", 0), get("concluded", 0)),
        satisfaction_rate=rate(get("satisfied", 0), get("rated", 0)),
    )


def open_alerts(
    session: Session, region: Region, *, limit: int = 10
) -> tuple[int, list[AlertItem]]:
    """Open and acknowledged early-warning alerts located in the region. The region lies in
    the actor's own subtree (:func:`region_for`), so every such alert is one the alerts' scope
    rule lets the actor see; asking that rule (which also looks through the cases dispatched
    to the actor) cost about a second per request for a county at 10 million cases."""
    total, alerts = repo.open_alerts(session, path=region.path, limit=limit)
    names = repo.names_of(session, {a.region_code for a in alerts}) if alerts else {}
    return total, [
        AlertItem(
            id=a.id,
            rule=a.rule,
            level=a.level,
            title=a.title,
            region_code=a.region_code,
            region_name=names.get(a.region_code, ""),
            status=a.status,
            created_at=a.created_at,
        )
        for a in alerts
    ]


# --- what the page shows in one request ---------------------------------------------------


@dataclass
class DashboardData:
    summary: SummaryRead
    map: MapRead
    geo: list[AreaStat]
    trend: dict[str, list[TrendPoint]]
    ranking: RankingRead
    alerts_total: int
    alerts: list[AlertItem]

    def as_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary.model_dump(mode="json", by_alias=True),
            "map": self.map.model_dump(mode="json", by_alias=True),
            "geo": [a.model_dump(mode="json") for a in self.geo],
            "trend": {
                grain: [p.model_dump(mode="json") for p in points]
                for grain, points in self.trend.items()
            },
            "ranking": self.ranking.model_dump(mode="json", by_alias=True),
            "alerts": {
                "total": self.alerts_total,
                "items": [a.model_dump(mode="json") for a in self.alerts],
            },
        }


def dashboard_data(
    session: Session,
    actor: User,
    *,
    region: str | None,
    start: date | None,
    end: date | None,
    by: str | None = None,
    sort: str = "resolution",
    min_cases: int = DEFAULT_MIN_CASES,
) -> DashboardData:
    """Everything the page draws, in one unit of work. ``geo`` colours the county polygons:
    every county for the city's users, the user's own county otherwise."""
    area = region_for(session, actor, region)
    period = period_of(start, end)
    home = region_for(session, actor, None)
    reads = Reads(session)
    shown = map_of(session, area, period, reads=reads)
    if home.code == area.code:
        geo = shown.areas if home.level == Level.city else [shown.whole]
    else:
        home_map = map_of(session, home, period, reads=reads)
        geo = home_map.areas if home.level == Level.city else [home_map.whole]
    total, alerts = open_alerts(session, area)
    return DashboardData(
        summary=summary(session, area, period, reads=reads),
        map=shown,
        geo=geo if home.level in (Level.city, Level.county) else [],
        trend=trend_points(session, area, period, ("day", "week")),
        ranking=ranking(session, area, period, by=by, sort=sort, min_cases=min_cases, reads=reads),
        alerts_total=total,
        alerts=alerts,
    )

"""Importing cases from a spreadsheet: good rows in with their history, bad rows refused by
row number, the same file twice adds nothing."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from jieyou.analytics.rebuild import needs_rebuild, rebuild_aggregates
from jieyou.cases.models import Case
from jieyou.cli import app as jieyou_cli
from jieyou.db import utcnow
from jieyou.errors import Invalid
from jieyou.transfer.importer import import_cases
from jieyou.transfer.reader import load_mapping
from tests.factories import HUATANG, WUSHAN, count_rows
from tests.transfer.helpers import (
    cases_by_external_id,
    cli,
    events_of,
    local,
    row,
    write_csv,
    write_xlsx,
)

runner = CliRunner()


def test_imported_cases_keep_their_dates_and_states_with_an_import_event(db, tmp_path):
    rows = [
        row(external_id="A-closed"),
        row(
            external_id="A-open",
            submitted_at="2026-11-20T09:15:00+08:00",
            status="in_progress",
            resolved_at=None,
            outcome=None,
            category="0201",
            description="老板拖欠工资三个月了，一共两万多元，多次讨要无果。",
        ),
        row(external_id="A-rejected", status="不予受理", resolved_at="2023-05-02 09:00"),
    ]
    path = write_csv(tmp_path / "cases.csv", rows)
    now = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)

    report = import_cases(db, path, now=now)

    assert (report.rows, report.imported, report.refused) == (3, 3, 0)
    cases = cases_by_external_id(db)
    closed = cases["A-closed"]
    assert closed.status == "closed"
    assert closed.channel == "import"
    assert closed.created_at == local("2023-05-01T14:30")
    assert closed.resolved_at == closed.closed_at == local("2023-05-09T10:00")
    assert closed.outcome == closed.reply == "经村调委会调解，邻居拆除棚子，双方和解。"
    assert closed.category_code == "0802" and closed.category_confirmed
    assert closed.submitter_phone == "13907351234" and closed.submitter_name == "李秀英"
    assert closed.number is not None and closed.number.startswith("JY20230501")
    # A finished case: no deadlines, nothing for the worker.
    assert closed.resolve_by is None and closed.next_check_at is None

    opened = cases["A-open"]
    assert opened.status == "in_progress"
    assert opened.accepted_at is None  # not invented
    assert opened.accept_by is not None and opened.resolve_by is not None
    assert opened.resolve_by > opened.created_at
    assert opened.next_check_at == now  # the worker reviews it at its next run
    assert opened.tier == "county"  # 劳资欠薪 is a county matter
    assert cases["A-rejected"].closed_at == local("2023-05-02T09:00")
    assert cases["A-rejected"].resolved_at is None

    (event,) = events_of(db, closed.id)
    assert event.action == "import" and event.from_status is None
    assert event.to_status == "closed"
    assert event.at == closed.created_at  # the original date
    assert event.actor_kind == "system" and event.actor_name == "import"
    assert event.data["imported"] is True
    assert event.data["external_id"] == "A-closed"
    assert event.data["source"] == "cases.csv" and event.data["row"] == 2
    assert closed.event_count == 1 and closed.last_event_hash == event.hash


def test_imported_history_passes_audit_verify(db, tmp_path):
    rows = [row(external_id=f"V{i}", status=s) for i, s in enumerate(["已归档", "resolved"])]
    rows.append(row(external_id="V9", status="submitted", resolved_at=None, outcome=None))
    import_cases(db, write_xlsx(tmp_path / "v.xlsx", rows))

    result = CliRunner().invoke(jieyou_cli, ["audit", "verify"])

    assert result.exit_code == 0, result.output
    assert "every event chain intact" in result.output


def test_importing_the_same_file_again_adds_nothing(db, tmp_path):
    rows = [row(external_id=f"R{i}") for i in range(5)]
    for path in (write_csv(tmp_path / "r.csv", rows), write_xlsx(tmp_path / "r.xlsx", rows)):
        import_cases(db, path)
        before = count_rows(db, "cases"), count_rows(db, "case_events")

        again = import_cases(db, path)

        assert (again.imported, again.skipped, again.refused) == (0, 5, 0)
        assert (count_rows(db, "cases"), count_rows(db, "case_events")) == before


def test_import_is_folded_into_the_dashboard_aggregates(db, tmp_path):
    rows = [row(external_id="G1"), row(external_id="G2", status="submitted", resolved_at=None)]
    rows[1]["outcome"] = None
    import_cases(db, write_csv(tmp_path / "g.csv", rows))
    with db.unit_of_work(write=False) as s:
        assert not needs_rebuild(s)
        folded = s.execute(text("SELECT * FROM analytics_region_counts ORDER BY 1, 2, 3")).all()
    # The same figures as recomputing everything from the cases.
    with db.unit_of_work() as s:
        rebuild_aggregates(s)
        rebuilt = s.execute(text("SELECT * FROM analytics_region_counts ORDER BY 1, 2, 3")).all()
    assert [tuple(r)[1:] for r in folded] == [tuple(r)[1:] for r in rebuilt]


BAD_ROWS = [
    # (row overrides, column named, words in the message)
    ({"external_id": None}, "external_id", "不能为空"),
    ({"submitted_at": "昨天下午"}, "submitted_at", "无法识别的时间"),
    ({"submitted_at": "2099-01-01 10:00"}, "submitted_at", "晚于现在"),
    ({"description": "太短"}, "description", "至少 5 个字"),
    ({"description": "长" * 5001}, "description", "超过 5000 字"),
    ({"title": "违建\x07挡光"}, "title", "控制字符（U+0007）"),
    ({"region_code": "431002999999"}, "region_code", "不存在"),
    ({"phone": "12345"}, "phone", "电话号码格式不正确"),
    ({"category": "吵架"}, "category", "不存在或已停用"),
    ({"status": "done"}, "status", "无法识别"),
    ({"outcome": None}, "outcome", "时必填"),
    ({"resolved_at": None}, "resolved_at", "时必填"),
    ({"resolved_at": "2023-04-01 10:00"}, "resolved_at", "早于反映时间"),
    ({"status": "in_progress"}, "resolved_at", "不应填写"),
    ({"description": "=cmd|' /C calc'!A0 隔壁邻居"}, "description", "公式"),
    ({"address": "@SUM(1+1)*cmd|' /C calc'!A0"}, "address", "公式"),
]


def test_each_bad_row_is_refused_with_its_row_number_and_good_rows_are_imported(db, tmp_path):
    rows = [row(external_id="good-1")]
    for i, (overrides, _, _) in enumerate(BAD_ROWS):
        rows.append(row(**{"external_id": f"bad-{i}", **overrides}))
    rows.append(row(external_id="good-2"))
    rows.append(row(external_id="good-1"))  # the same id twice in one file
    path = write_csv(tmp_path / "mixed.csv", rows)

    report = import_cases(db, path)

    assert report.imported == 2
    assert report.refused == len(BAD_ROWS) + 1
    by_row = {(p.row, p.column): p.message for p in report.problems}
    for i, (_, column, words) in enumerate(BAD_ROWS):
        message = by_row.get((i + 3, column))
        assert message is not None and words in message, (i, column, report.problems)
    assert "与第 2 行的编号 good-1 重复" in by_row[(len(rows) + 1, "external_id")]
    assert set(cases_by_external_id(db)) == {"good-1", "good-2"}


def test_excel_formula_and_error_cells_are_refused_row_by_row(db, tmp_path):
    path = write_xlsx(
        tmp_path / "f.xlsx",
        [
            row(external_id="X1", description='=HYPERLINK("http://evil","点我")'),
            row(external_id="X2", phone="#N/A"),
            row(external_id="X3"),
        ],
    )

    report = import_cases(db, path)

    assert report.imported == 1
    messages = {(p.row, p.column): p.message for p in report.problems}
    assert "公式单元格" in messages[(2, "description")]
    assert "错误值 #N/A" in messages[(3, "phone")]


def test_a_csv_row_with_too_many_cells_is_refused(db, tmp_path):
    path = write_csv(tmp_path / "c.csv", [row(external_id="C1"), row(external_id="C2")])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] += ",extra,cells"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = import_cases(db, path)

    assert report.imported == 1
    assert report.problems[0].row == 2
    assert "多于表头" in report.problems[0].message


def test_dates_may_be_excel_dates_iso_text_or_slashes(db, tmp_path):
    excel_date = datetime(2023, 5, 1, 14, 30)  # noqa: DTZ001 - Excel dates have no zone
    rows = [
        row(external_id="D1", submitted_at=excel_date),
        row(external_id="D2", submitted_at="2023/5/1 14:30"),
        row(external_id="D3", submitted_at="2023-05-01T06:30:00+00:00"),
        row(external_id="D4", submitted_at="2023年5月1日 14:30"),
    ]
    for r in rows:
        r["resolved_at"] = excel_date + timedelta(days=8)
    import_cases(db, write_xlsx(tmp_path / "d.xlsx", rows))
    cases = cases_by_external_id(db)
    assert {c.created_at for c in cases.values()} == {local("2023-05-01T14:30")}


def test_landline_numbers_gb18030_csv_and_category_codes_from_excel(db, tmp_path):
    rows = [row(external_id="L1", phone="0735 2345678", category="802")]
    report = import_cases(db, write_csv(tmp_path / "gbk.csv", rows, encoding="gb18030"))
    assert report.imported == 1, report.problems
    case = cases_by_external_id(db)["L1"]
    assert case.submitter_phone == "0735-2345678"
    assert case.category_code == "0802"
    assert case.title == "邻居违建挡住采光"


def test_rows_without_a_category_are_classified_and_unsure_open_ones_wait_in_triage(db, tmp_path):
    rows = [
        row(
            external_id="K1",
            category=None,
            status="submitted",
            resolved_at=None,
            outcome=None,
            title="工地老板拖欠工资",
            description="老板拖欠工资三个月了，一共两万多元，多次讨要无果。",
        ),
        row(
            external_id="K2",
            category=None,
            status="submitted",
            resolved_at=None,
            outcome=None,
            title="求助",
            description="想问一下这个事情应该找谁，谢谢你们。",
        ),
    ]
    report = import_cases(db, write_csv(tmp_path / "k.csv", rows))
    cases = cases_by_external_id(db)
    assert cases["K1"].category_code is not None and not cases["K1"].category_confirmed
    assert cases["K1"].predicted_category is not None
    assert cases["K2"].needs_triage and cases["K2"].category_code is None
    assert report.classified >= 1 and report.triage >= 1


def test_a_mapping_file_reads_another_layout(db, tmp_path):
    their = {
        "external_id": "工单编号",
        "submitted_at": "来电时间",
        "description": "诉求内容",
        "region_code": "区划",
        "phone": "电话",
        "status": "办理状态",
        "resolved_at": "办结时间",
        "outcome": "处理结果",
    }
    path = tmp_path / "other.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["序号", *their.values()])
        out.writerow(
            [
                "1",
                "W-1",
                "2023-05-01 14:30",
                row()["description"],
                WUSHAN,
                "13907351234",
                "办结",
                "2023-05-09 10:00",
                "已调解",
            ]
        )
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps({"columns": their, "values": {"status": {"办结": "closed"}}}), encoding="utf-8"
    )

    report = import_cases(db, path, mapping=load_mapping(mapping))

    assert report.imported == 1, report.problems
    assert report.ignored_columns == ["序号"]
    assert cases_by_external_id(db)["W-1"].status == "closed"
    # The same as a two-column CSV.
    pairs = tmp_path / "mapping.csv"
    pairs.write_text(
        "our_column,their_column\n" + "".join(f"{k},{v}\n" for k, v in their.items()),
        encoding="utf-8",
    )
    assert load_mapping(pairs).columns == their


def test_a_file_without_the_required_columns_is_refused_whole(db, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("编号,内容\n1,abc\n", encoding="utf-8")
    with pytest.raises(Invalid, match="表头缺少必需的列"):
        import_cases(db, path)
    assert count_rows(db, "cases") == 0


def test_the_command_reports_refused_rows_with_numbers_and_exits_1(db, tmp_path):
    path = write_csv(
        tmp_path / "cmd.csv", [row(external_id="M1"), row(external_id="M2", phone="110")]
    )

    result = runner.invoke(cli, ["import", "cases", str(path)])

    assert result.exit_code == 1, result.output
    assert "第 3 行 phone（联系电话）" in result.output
    with (tmp_path / "cmd.csv.errors.csv").open(encoding="utf-8-sig") as fh:
        problems = list(csv.DictReader(fh))
    assert [(p["row"], p["column"]) for p in problems] == [("3", "phone")]
    assert set(cases_by_external_id(db)) == {"M1"}
    # Everything fine the second time (M1 skipped, M2 fixed).
    fixed = write_csv(tmp_path / "cmd.csv", [row(external_id="M1"), row(external_id="M2")])
    again = runner.invoke(cli, ["import", "cases", str(fixed)])
    assert again.exit_code == 0, again.output
    assert set(cases_by_external_id(db)) == {"M1", "M2"}


def test_an_unreadable_file_exits_2_and_imports_nothing(db, tmp_path):
    path = tmp_path / "not.xlsx"
    path.write_bytes(b"this is not a zip file")
    result = runner.invoke(cli, ["import", "cases", str(path)])
    assert result.exit_code == 2
    assert "不是有效的 .xlsx 文件" in result.output


def test_a_large_file_is_prepared_in_a_second_process_with_the_same_result(db, tmp_path):
    rows = [
        row(
            external_id=f"P{i}",
            submitted_at=f"2024-01-{i % 28 + 1:02d} 09:00",
            resolved_at="2024-02-01 10:00",
        )
        for i in range(30)
    ]
    rows[3]["phone"] = "110"
    path = write_csv(tmp_path / "p.csv", rows)

    report = import_cases(db, path, workers=1, batch_size=7)

    assert (report.imported, report.refused) == (29, 1)
    assert report.problems[0].row == 5
    with db.unit_of_work(write=False) as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 29
        assert not needs_rebuild(s)


def test_open_cases_get_deadlines_counted_from_their_submission(db, tmp_path):
    submitted = utcnow() - timedelta(days=2)
    rows = [
        row(
            external_id="O1",
            submitted_at=submitted.isoformat(),
            status="submitted",
            resolved_at=None,
            outcome=None,
            region_code=HUATANG,
        )
    ]
    import_cases(db, write_csv(tmp_path / "o.csv", rows))
    case = cases_by_external_id(db)["O1"]
    assert case.accept_by is not None
    assert case.accept_by - case.created_at == timedelta(hours=24)
    assert case.resolve_by is not None and case.resolve_by - case.created_at > timedelta(days=7)

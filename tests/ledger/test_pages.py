"""The ledger pages: batches, the sortable ledger, its Excel export in the same layout, the
import form and its row-by-row report, and a bounded number of queries."""

from __future__ import annotations

import io
import re
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import event

from jieyou.accounts.models import Role
from jieyou.accounts.service import reset_password
from jieyou.ledger.excel import FIGURE_HEADERS, LEDGER_SHEET
from tests.factories import BEIHU, HUATANG, make_staff
from tests.ledger.helpers import XLSX, problem, workbook
from tests.web.helpers import PASSWORD, csrf_of, login


def signed_in(client: TestClient, db, username: str) -> TestClient:
    with db.unit_of_work() as s:
        reset_password(s, username=username, password=PASSWORD)
    login(client, username)
    return client


def rows_of(html: str) -> list[str]:
    """The area names of the ledger table, in order (total, counties, townships)."""
    table = html.split('<table class="list ledger">', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<tr[^>]*><td>(.*?)</td>", body)
    ]


def test_the_ledger_sorts_by_any_column_both_ways(client, db, beihu_list):
    _, batch, _ = beihu_list
    signed_in(client, db, "beihu")
    by_area = client.get(f"/desk/ledger/{batch}")
    assert by_area.status_code == 200
    assert rows_of(by_area.text) == ["合计", "北湖区", "华塘镇", "鲁塘镇"]
    best_first = client.get(f"/desk/ledger/{batch}", params={"sort": "rate", "order": "desc"})
    assert rows_of(best_first.text) == ["合计", "北湖区", "华塘镇", "鲁塘镇"]
    worst_first = client.get(f"/desk/ledger/{batch}", params={"sort": "rate", "order": "asc"})
    assert rows_of(worst_first.text) == ["合计", "北湖区", "鲁塘镇", "华塘镇"]
    by_area_desc = client.get(f"/desk/ledger/{batch}", params={"sort": "area_mu", "order": "desc"})
    assert rows_of(by_area_desc.text) == ["合计", "北湖区", "华塘镇", "鲁塘镇"]
    assert 'aria-sort="ascending"' in worst_first.text
    # The rate as a person reads it, and the link that flips the order.
    assert "40.00%" in by_area.text and "50.00%" in by_area.text
    assert "sort=rate&amp;order=desc" in worst_first.text
    nonsense = client.get(f"/desk/ledger/{batch}", params={"sort": "drop table", "order": "x"})
    assert nonsense.status_code == 200 and rows_of(nonsense.text)[2] == "华塘镇"


def test_the_export_has_the_pages_layout_and_figures(client, db, beihu_list):
    county, batch, _ = beihu_list
    signed_in(client, db, "beihu")
    r = client.get(f"/desk/ledger/{batch}.xlsx", params={"sort": "rate", "order": "asc"})
    assert r.status_code == 200
    assert r.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(r.content))
    sheet = book[LEDGER_SHEET]
    values = list(sheet.iter_rows(values_only=True))
    header = values.index(FIGURE_HEADERS)
    table = [dict(zip(FIGURE_HEADERS, row, strict=True)) for row in values[header + 1 :]]
    assert [row["区域"].strip() for row in table] == ["合计", "北湖区", "鲁塘镇", "华塘镇"]
    api = client.get(
        f"/api/v1/ledger/batches/{batch}", params={"sort": "rate"}, headers=county.headers
    ).json()
    [beihu] = api["counties"]
    expected = [api["batch"]["figures"], beihu["figures"]] + [
        t["figures"] for t in beihu["townships"]
    ]
    for row, figures in zip(table, expected, strict=True):
        assert (row["问题数"], row["已销号"], row["待销号"], row["整改中"], row["超期"]) == (
            figures["total"],
            figures["rectified"],
            figures["awaiting"],
            figures["in_progress"],
            figures["overdue"],
        )
        assert row["整改率"] == pytest.approx(figures["rate"])
        assert row["涉及面积（亩）"] == pytest.approx(figures["area_mu"])
    problems = book["问题清单"]
    listed = list(problems.iter_rows(values_only=True))
    assert listed[0][:3] == ("问题编号", "问题来源", "问题类型")
    assert sorted(r[0] for r in listed[1:]) == ["H1", "H2", "H3", "H4", "L1"]
    assert {r[11] for r in listed[1:]} == {"已销号", "待销号", "待整改"}


def test_the_batches_page_and_ledger_stay_at_a_few_queries(client, db, connection, beihu_list):
    _, batch, _ = beihu_list
    signed_in(client, db, "beihu")

    @contextmanager
    def counted():
        statements: list[str] = []

        def before(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        event.listen(connection, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(connection, "before_cursor_execute", before)

    with counted() as listing:
        page = client.get("/desk/ledger")
    assert page.status_code == 200 and "测试清单" in page.text
    with counted() as ledger:
        assert client.get(f"/desk/ledger/{batch}").status_code == 200
    # Session, user, then the page's own reads: not one per batch, area or problem.
    assert len(listing) <= 5, listing
    assert len(ledger) <= 10, ledger


def test_the_import_page_reports_refused_rows_and_the_ledger_filters_them_out(client, db):
    make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    signed_in(client, db, "beihu")
    form = client.get("/desk/ledger/import")
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    data = workbook([problem("P1"), problem("P2", township="错镇"), problem("P3", area="约两亩")])
    r = client.post(
        "/desk/ledger/import",
        data={"csrf": csrf_of(form.text), "name": "页面导入", "source": "省田长办"},
        files={"file": ("清单.xlsx", data, XLSX)},
        follow_redirects=False,
    )
    assert r.status_code == 200, r.text
    assert "已导入 1 个问题" in r.text and "2 行有问题未导入" in r.text
    assert "<td>3</td><td>乡镇（街道）</td>" in r.text
    assert "<td>4</td><td>面积（亩）</td>" in r.text

    nothing = client.post(
        "/desk/ledger/import",
        data={"csrf": csrf_of(form.text), "name": "", "source": "省田长办"},
        files={"file": ("清单.xlsx", data, XLSX)},
        follow_redirects=False,
    )
    assert nothing.status_code == 422 and "请填写批次名称" in nothing.text

    signed_in(client, db, "huatang")
    assert "导入问题清单" not in client.get("/desk/ledger").text
    assert client.get("/desk/ledger/import").status_code == 403
    forbidden = client.post(
        "/desk/ledger/import",
        data={"csrf": csrf_of(client.get("/desk/ledger").text), "name": "x", "source": "y"},
        files={"file": ("清单.xlsx", data, XLSX)},
    )
    assert forbidden.status_code == 403


def test_the_problem_list_filters_by_state_and_area(client, db, beihu_list):
    _, batch, found = beihu_list
    signed_in(client, db, "beihu")
    awaiting = client.get(f"/desk/ledger/{batch}", params={"state": "awaiting"}).text
    assert "共 1 个问题" in awaiting and found["H3"] in awaiting
    lutang = client.get(f"/desk/ledger/{batch}", params={"area": "431002102"}).text
    assert "共 1 个问题" in lutang and found["L1"] in lutang
    template = client.get("/desk/ledger/template.xlsx")
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.content)).sheetnames == ["问题清单", "说明"]


def test_pages_need_a_session(client):
    r = client.get("/desk/ledger", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")

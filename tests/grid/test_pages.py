"""The register's pages: a village cadre builds and staffs the village in the browser's forms;
errors are shown beside the fields; other villages answer 404; the overview's query count does
not grow with the number of lanes."""

from __future__ import annotations

import re

from jieyou.accounts.models import Role
from tests.cases.test_queries import count_queries
from tests.factories import HUATANG, WUSHAN, ZHAOLV, make_staff, submit
from tests.grid.helpers import XLSX, appoint, new_grid, new_lane, workbook
from tests.grid.test_import import ROWS
from tests.web.helpers import csrf_of, login, make_user


def _post(client, url, data, page=None):
    token = csrf_of(client.get(page or url).text)
    return client.post(url, data={**data, "csrf": token}, follow_redirects=False)


def test_a_village_cadre_adds_a_grid_a_lane_and_a_chief_through_the_pages(client, db):
    make_user(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    login(client, "wushan")
    r = client.get("/desk/grid", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/desk/grid/villages/{WUSHAN}"
    page = client.get(f"/desk/grid/villages/{WUSHAN}")
    assert page.status_code == 200 and "还没有网格" in page.text

    r = _post(
        client,
        f"/desk/grid/villages/{WUSHAN}/grids/new",
        {"name": "第1网格", "boundary": "东至吴山河"},
    )
    assert r.status_code == 303, r.text
    grid = f"{WUSHAN}01"
    r = _post(client, f"/desk/grid/grids/{grid}/lanes/new", {"name": "1巷", "households": "12"})
    assert r.status_code == 303, r.text
    lane = f"{grid}01"
    r = _post(
        client,
        "/desk/grid/assign",
        {
            "post": "lane_chief",
            "place": lane,
            "person_name": "何秀兰",
            "phone": "13907351234",
            "duties": ["hygiene", "mediation"],
        },
        page=f"/desk/grid/assign?post=lane_chief&place={lane}",
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"/desk/grid/lanes/{lane}?done=assign"
    text = client.get(f"/desk/grid/villages/{WUSHAN}").text
    assert "何秀兰" in text and "13907351234" in text and "东至吴山河" in text
    assert "1/1" in text  # lanes with a chief
    assert "1巷" not in client.get(f"/desk/grid/villages/{WUSHAN}?only=vacant").text
    assert "1巷" in client.get(f"/desk/grid/villages/{WUSHAN}?only=stale").text
    roster = client.get(f"/desk/grid/villages/{WUSHAN}/roster")
    assert roster.status_code == 200 and "何秀兰" in roster.text and "巷长" in roster.text
    lane_page = client.get(f"/desk/grid/lanes/{lane}").text
    assert "环境卫生" in lane_page and "矛盾调解" in lane_page and "政策宣传" not in lane_page


def test_a_bad_form_shows_errors_beside_the_fields(client, db):
    make_user(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    login(client, "wushan")
    r = _post(client, f"/desk/grid/villages/{WUSHAN}/grids/new", {"name": "第1网格"})
    assert r.status_code == 303
    grid = f"{WUSHAN}01"
    r = _post(client, f"/desk/grid/grids/{grid}/lanes/new", {"name": "", "households": "0"})
    assert r.status_code == 422
    assert 'id="name-err"' in r.text and 'id="households-err"' in r.text
    assert "不能小于 1" in r.text
    r = _post(client, f"/desk/grid/villages/{WUSHAN}/grids/new", {"name": "第1网格"})
    assert r.status_code == 422 and "已有名为“第1网格”的网格" in r.text
    r = _post(
        client,
        "/desk/grid/assign",
        {"post": "grid_chief", "place": grid, "person_name": "李", "phone": "12345"},
        page=f"/desk/grid/assign?post=grid_chief&place={grid}",
    )
    assert r.status_code == 422 and 'id="phone-err"' in r.text
    assert 'value="李"' in r.text  # what was typed stays


def test_another_village_is_not_found_on_the_pages(client, db):
    admin = make_staff(db, "root", Role.admin, "431000000000")
    grid = new_grid(client, admin, WUSHAN, "第1网格")
    lane = new_lane(client, admin, grid, "1巷")
    make_user(db, "zhaolv", Role.village, ZHAOLV, unit=f"C{ZHAOLV}")
    login(client, "zhaolv")
    for url in (
        f"/desk/grid/villages/{WUSHAN}",
        f"/desk/grid/grids/{grid}",
        f"/desk/grid/lanes/{lane}",
        f"/desk/grid/grids/{grid}/lanes/new",
        f"/desk/grid/assign?post=lane_chief&place={lane}",
        f"/desk/grid/villages/{WUSHAN}.xlsx",
        f"/desk/grid/villages/{WUSHAN}/roster",
        f"/desk/grid/villages/{WUSHAN}/import",
    ):
        assert client.get(url).status_code == 404, url


def test_a_grid_worker_sees_the_grid_without_edit_links(client, db):
    admin = make_staff(db, "root", Role.admin, "431000000000")
    grid = new_grid(client, admin, WUSHAN, "第1网格")
    new_lane(client, admin, grid, "1巷")
    make_user(db, "wgrid", Role.grid_worker, grid)
    login(client, "wgrid")
    r = client.get("/desk/grid", follow_redirects=False)
    assert r.headers["location"] == f"/desk/grid/grids/{grid}"
    page = client.get(f"/desk/grid/grids/{grid}").text
    assert "1巷" in page and "任命巷长" not in page and "新增巷道" not in page
    assert client.get(f"/desk/grid/grids/{grid}/lanes/new").status_code == 403


def test_the_village_overview_costs_the_same_queries_for_3_or_30_lanes(client, db, connection):
    admin = make_staff(db, "root", Role.admin, "431000000000")
    grids = [new_grid(client, admin, WUSHAN, f"第{n}网格") for n in (1, 2, 3)]
    for g in grids:
        lane = new_lane(client, admin, g, "1巷")
        appoint(client, admin, post="lane_chief", place=lane, person_name="巷长甲")
        submit(client, region_code=lane)
    make_user(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    login(client, "wushan")
    with count_queries(connection) as few:
        assert client.get(f"/desk/grid/villages/{WUSHAN}").status_code == 200
    for g in grids:
        for n in range(2, 11):
            lane = new_lane(client, admin, g, f"{n}巷")
            appoint(client, admin, post="lane_chief", place=lane, person_name=f"巷长{n}")
    with count_queries(connection) as many:
        page = client.get(f"/desk/grid/villages/{WUSHAN}")
    assert len(re.findall(r'id="l-\d{16}"', page.text)) == 30
    assert len(many) == len(few) <= 10, many


def test_the_import_page_reports_refused_rows_and_the_export_downloads(client, db):
    make_user(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    login(client, "wushan")
    token = csrf_of(client.get(f"/desk/grid/villages/{WUSHAN}/import").text)
    r = client.post(
        f"/desk/grid/villages/{WUSHAN}/import",
        data={"csrf": token},
        files={"file": ("台账.xlsx", workbook(ROWS), XLSX)},
    )
    assert r.status_code == 200, r.text
    assert "4 行有问题未导入" in r.text and "联系电话" in r.text
    r = client.post(
        f"/desk/grid/villages/{WUSHAN}/import",
        data={"csrf": token},
        files={"file": ("a.txt", b"hello", "text/plain")},
    )
    assert r.status_code == 422 and "只能导入 .xlsx 文件" in r.text
    r = client.post(
        f"/desk/grid/villages/{WUSHAN}/import",
        data={"csrf": "forged"},
        files={"file": ("台账.xlsx", workbook(ROWS), XLSX)},
    )
    assert r.status_code == 403
    export = client.get(f"/desk/grid/villages/{WUSHAN}.xlsx")
    assert export.status_code == 200 and export.headers["content-type"] == XLSX
    assert client.get("/desk/grid/template.xlsx").status_code == 200


def test_groups_and_ending_a_term_through_the_pages(client, db):
    make_user(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    login(client, "wushan")
    r = _post(
        client,
        f"/desk/grid/villages/{WUSHAN}/groups/new",
        {"name": "第1村民小组", "number": "1", "households": "30"},
    )
    assert r.status_code == 303, r.text
    page = client.get(f"/desk/grid/villages/{WUSHAN}").text
    group = re.search(r"/desk/grid/groups/(\d+)/edit", page)
    assert group
    gid = group.group(1)
    r = _post(client, f"/desk/grid/groups/{gid}/edit", {"name": "第1村民小组", "number": "x"})
    assert r.status_code == 422 and "应为整数" in r.text
    r = _post(
        client,
        f"/desk/grid/groups/{gid}/edit",
        {"name": "第一组", "number": "", "households": "", "grid_code": "", "boundary": ""},
    )
    assert r.status_code == 303, r.text
    r = _post(
        client,
        "/desk/grid/assign",
        {"post": "group_chief", "group_id": gid, "person_name": "曹德胜", "duties": ["hygiene"]},
        page=f"/desk/grid/assign?post=group_chief&group={gid}",
    )
    assert r.status_code == 303, r.text
    page = client.get(f"/desk/grid/villages/{WUSHAN}").text
    assert "曹德胜" in page
    end = re.search(r'action="/desk/grid/assignments/(\d+)/end"', page)
    assert end
    r = _post(
        client,
        f"/desk/grid/assignments/{end.group(1)}/end",
        {"reason": "换届", "back": f"/desk/grid/villages/{WUSHAN}"},
        page=f"/desk/grid/villages/{WUSHAN}",
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?done=end")
    assert "曹德胜" not in client.get(f"/desk/grid/villages/{WUSHAN}").text


def test_a_township_lists_its_villages_with_their_coverage(client, db):
    admin = make_staff(db, "root", Role.admin, "431000000000")
    grid = new_grid(client, admin, WUSHAN, "第1网格")
    lane = new_lane(client, admin, grid, "1巷")
    new_lane(client, admin, grid, "2巷")
    appoint(client, admin, post="lane_chief", place=lane, person_name="何秀兰")
    make_user(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    login(client, "huatang")
    page = client.get("/desk/grid", params={"q": "吴山"})
    assert page.status_code == 200
    assert "吴山村" in page.text and "1/2" in page.text and "招旅村" not in page.text
    everything = client.get("/desk/grid").text
    assert "招旅村" in everything and "桂阳县" not in everything

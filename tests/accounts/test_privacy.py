"""Personal data: masked for all but those who handle the case, every full view logged, and
removed after the retention period with the statistics and the audit chain intact."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select
from typer.testing import CliRunner

from jieyou.accounts.models import AccessLog, Role
from jieyou.cases.models import Case, CaseParty
from jieyou.cases.retention import purge_personal_data
from jieyou.cases.service import verify_all_chains
from jieyou.cli import app as cli
from jieyou.db import utcnow
from jieyou.errors import Invalid
from tests.factories import BEIHU, CITY, HUATANG, WUSHAN, act, make_staff, submit

PHONE = "13907351234"


def party_case(client, **overrides) -> str:
    return submit(
        client,
        description="隔壁王建国加盖棚子挡光，我的电话13907351234，身份证431002198001011234。",
        parties=[
            {
                "role": "respondent",
                "name": "王建国",
                "phone": "13807359876",
                "id_number": "431002198001011234",
                "address": "吴山村3组12号",
            }
        ],
        **overrides,
    )["number"]


def test_supervisors_read_personal_data_masked_and_handlers_whole_and_logged(client, db):
    number = party_case(client)
    village = make_staff(db, "wushan", Role.village, WUSHAN, unit=f"C{WUSHAN}")
    county = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")

    masked = client.get(f"/api/v1/cases/{number}", headers=county.headers).json()
    assert masked["personal_data"] == "masked"
    assert masked["submitter"] == {"name": "李**", "phone": "139****1234"}
    party = masked["parties"][0]
    assert (party["name"], party["phone"]) == ("王**", "138****9876")
    assert party["id_number"] == "4310**********1234"
    assert party["address"].endswith("***") and "12号" not in party["address"]
    assert PHONE not in masked["description"] and "431002198001011234" not in str(masked)

    whole = client.get(f"/api/v1/cases/{number}", headers=village.headers).json()
    assert whole["personal_data"] == "full"
    assert whole["submitter"]["phone"] == PHONE and whole["parties"][0]["name"] == "王建国"

    with db.unit_of_work(write=False) as s:
        logged = s.scalars(select(AccessLog)).all()
    assert [(row.username, row.channel) for row in logged] == [("wushan", "api")]
    shown = CliRunner().invoke(cli, ["privacy", "log", "--case", number])
    assert shown.exit_code == 0 and "wushan" in shown.output


def test_the_page_logs_a_full_view_too(client, db):
    from tests.web.helpers import login, make_user

    number = party_case(client)
    make_user(db, "wushan", Role.village, WUSHAN, f"C{WUSHAN}")
    login(client, "wushan")
    assert "13807359876" in client.get(f"/desk/cases/{number}").text
    with db.unit_of_work(write=False) as s:
        channels = s.scalars(select(AccessLog.channel)).all()
    assert channels == ["page"]


def close(client, admin, number: str) -> None:
    for action, body in (
        ("accept", {}),
        ("assign", {"unit_code": f"C{WUSHAN}"}),
        ("start", {}),
        ("resolve", {"outcome": "已调解"}),
        ("confirm", {}),
    ):
        assert act(client, admin, number, action, **body).status_code == 200


def test_purge_removes_personal_data_of_old_closed_cases_only(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    old = party_case(client)
    close(client, admin, old)
    still_open = party_case(client)
    with db.unit_of_work(write=False) as s:
        before = s.scalar(select(Case.status).where(Case.number == old))
    with time_machine.travel(utcnow() + timedelta(days=400), tick=False):
        result = CliRunner().invoke(cli, ["privacy", "purge", "--older-than", "365"])
    assert result.exit_code == 0, result.output
    assert "已清除 1 件" in result.output

    with db.unit_of_work(write=False) as s:
        purged = s.scalar(select(Case).where(Case.number == old))
        kept = s.scalar(select(Case).where(Case.number == still_open))
        parties = s.scalars(select(CaseParty).where(CaseParty.case_id == purged.id)).all()
        checked, breaks = verify_all_chains(s)
    assert purged.submitter_name is None and purged.submitter_phone == "已清除"
    assert PHONE not in purged.description and "王建国" not in {p.name for p in parties}
    assert purged.status == before and purged.personal_data_purged_at is not None
    assert kept.submitter_phone == PHONE
    assert breaks == [] and checked >= 2
    # Running it again removes nothing more.
    with time_machine.travel(utcnow() + timedelta(days=400), tick=False):
        again = CliRunner().invoke(cli, ["privacy", "purge", "--older-than", "365"])
    assert "已清除 0 件" in again.output


def test_purge_refuses_a_retention_shorter_than_half_a_year(db):
    with db.unit_of_work() as s, pytest.raises(Invalid):
        purge_personal_data(s, older_than_days=30)


def test_township_reads_whole_only_what_it_owns(client, db):
    township = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    # A 劳资欠薪 case is owned by the county, not the township: the township reads it masked.
    number = submit(client, category_code="0201")["number"]
    data = client.get(f"/api/v1/cases/{number}", headers=township.headers).json()
    assert data["personal_data"] == "masked"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("我的电话13907351234，", "我的电话139****1234，"),
        ("身份证431002198001011234", "身份证4310**********1234"),
        ("座机0735-2223344", "座机0735-222**44"),
        ("编号JY20261127000001", "编号JY20261127000001"),  # our own numbers stay
        ("三组12号", "三组12号"),  # house numbers are not phone numbers
    ],
)
def test_numbers_typed_into_text_are_masked(text, masked):
    from jieyou.privacy import mask_text

    assert mask_text(text) == masked


def test_names_and_addresses_keep_only_what_identifies_the_place():
    from jieyou.privacy import mask_address, mask_name

    assert mask_name("李秀英") == "李**"
    assert mask_name("王五") == "王*"
    assert mask_address("吴山村3组12号") == "吴山村***"
    assert mask_address("北湖区人民西路8号") == "北湖区人民西路***"

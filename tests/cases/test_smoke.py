from tests.factories import HUATANG, act, make_staff, submit

from jieyou.accounts.models import Role


def test_smoke(client, db):
    created = submit(client, category_code="0803")
    staff = make_staff(db, "ht_centre", Role.township, HUATANG, unit=f"C{HUATANG}")
    r = client.get(f"/api/v1/cases/{created['number']}", headers=staff.headers)
    assert r.status_code == 200, r.text
    r = act(client, staff, created["number"], "accept", note="ok")
    assert r.status_code == 200, r.text
    print(r.json())

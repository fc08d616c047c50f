"""An independent client against the real server: the ``georeport`` package from PyPI (a thin
GeoReport v2 wrapper over requests and xmltodict, written for Chicago, Boston, Bloomington …)
lists the services, reads a definition, lists requests with filters and reads one, in JSON and
in XML, after a request was POSTed the spec's way.

georeport cannot create requests, so the POST is a plain form-encoded HTTP request (httpx) with
the api_key in the body, exactly as the spec's example. The server is uvicorn in its own
process on a free port, against a temporary SQLite database set up by ``initialise``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
import requests

from jieyou.accounts.models import Role
from jieyou.accounts.service import create_token, create_user
from jieyou.db import Database
from jieyou.setup import initialise
from jieyou.timefmt import local_zone
from tests.factories import CITY, WUSHAN
from tests.open311.conftest import form

georeport = pytest.importorskip("georeport")
ROOT = Path(__file__).resolve().parents[2]


def _listening_socket() -> socket.socket:
    """Bound here and handed to uvicorn (--fd): no other process can take the port between
    choosing it and serving on it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(endpoint URL, a partner's api_key)."""
    tmp = tmp_path_factory.mktemp("open311")
    url = f"sqlite:///{tmp / 'jieyou.db'}"
    database = Database(url)
    initialise(database)
    with database.unit_of_work() as s:
        create_user(s, username="partner", role=Role.city, region_code=CITY)
        _, api_key = create_token(s, username="partner")
    database.dispose()
    sock = _listening_socket()
    port = int(sock.getsockname()[1])
    env = {
        **os.environ,
        "JIEYOU_DATABASE_URL": url,
        "JIEYOU_ENVIRONMENT": "development",
        "JIEYOU_STORAGE__UPLOAD_DIR": str(tmp / "uploads"),
    }
    serve = [sys.executable, "-m", "uvicorn", "tests.open311.serve:app", "--factory"]
    serve += ["--app-dir", str(ROOT), "--fd", str(sock.fileno()), "--log-level", "warning"]
    proc = subprocess.Popen(  # noqa: S603 - our own server
        serve, env=env, cwd=tmp, pass_fds=(sock.fileno(),)
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start")
        yield base + "/open311/v2", api_key
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def posted(server: tuple[str, str]) -> str:
    endpoint, api_key = server
    response = httpx.post(
        f"{endpoint}/requests.xml",
        data=form(api_key, **{"attribute[urgent]": "yes"}),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    number = response.text.split("<service_request_id>")[1].split("<")[0]
    assert number.startswith("JY")
    return number


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(server, posted, fmt):
    endpoint, _ = server
    client = georeport.GeoReport(endpoint, jurisdiction="chenzhou.gov.cn", output_format=fmt)

    services = client.get_service_list()
    by_code = {s["service_code"]: s for s in services}
    assert by_code["0802"]["service_name"] == "邻里纠纷"
    assert by_code["0802"]["group"] == "政法"
    assert str(by_code["0802"]["metadata"]).lower() == "true"

    definition = client.get_service_definition("0802")
    assert definition["service_code"] == "0802"
    attributes = definition["attributes"]
    if fmt == "xml":  # xmltodict keeps the Spark convention's wrapper element
        attributes = attributes["attribute"]
    assert {a["code"] for a in attributes} == {"urgent", "parties", "occurred_at"}
    (parties,) = [a for a in attributes if a["code"] == "parties"]
    assert str(parties["required"]).lower() == "true"

    now = datetime.now(local_zone())
    listed = client.get_service_requests(
        service_code="0802,0103",
        status="open",
        start_date=(now - timedelta(days=1)).isoformat(timespec="seconds"),
        end_date=(now + timedelta(minutes=5)).isoformat(timespec="seconds"),
    )
    if isinstance(listed, dict):  # xmltodict: one <request> is a dict, several a list
        listed = [listed]
    assert [r["service_request_id"] for r in listed] == [posted]

    one = client.get_service_request(posted)
    assert one["service_request_id"] == posted
    assert one["status"] == "open"
    assert one["service_code"] == "0802"
    assert one["address"] == "北湖区华塘镇吴山村"
    assert one["address_id"] == WUSHAN
    assert one["requested_datetime"].endswith("+08:00")
    assert one["agency_responsible"] == "吴山村委员会"
    for personal in ("李秀英", "13907351234", "3组12号"):
        assert personal not in str(one)


def test_georeport_gets_the_specs_errors_as_http_errors(server):
    endpoint, _ = server
    client = georeport.GeoReport(endpoint, output_format="json")
    with pytest.raises(requests.HTTPError) as raised:
        client.get_service_definition("9999")
    assert raised.value.response.status_code == 404
    assert raised.value.response.json() == [
        {"code": 404, "description": "service_code 9999 不存在"}
    ]

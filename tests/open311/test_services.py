"""Discovery, the service list and service definitions, in JSON and XML, checked against the
schemas; both formats say the same thing."""

from __future__ import annotations

import pytest

from tests.open311.conftest import BASE
from tests.open311.spec import checked

FORMATS = ["json", "xml"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_this_endpoint_and_both_formats(client, fmt):
    document = checked(client.get(f"{BASE}/discovery.{fmt}"), "discovery")
    (endpoint,) = document["endpoints"]
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert endpoint["type"] == "test"  # the test settings are not production


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_second_level_categories_grouped_by_the_first(client, fmt):
    services = checked(client.get(f"{BASE}/services.{fmt}"), "services")
    by_code = {s["service_code"]: s for s in services}
    assert by_code["0802"]["service_name"] == "邻里纠纷"
    assert by_code["0802"]["group"] == "政法"
    assert "邻居" in by_code["0802"]["keywords"]
    assert by_code["0103"]["group"] == "城乡建设"
    assert "08" not in by_code and "01" not in by_code  # first levels are groups, not services
    assert all(s["metadata"] is True and s["type"] == "realtime" for s in services)


def test_json_and_xml_describe_the_same_services(client):
    as_json = checked(client.get(f"{BASE}/services.json"), "services")
    as_xml = checked(client.get(f"{BASE}/services.xml"), "services")
    assert as_json == as_xml


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_dispute_asks_for_its_parties_and_whether_it_is_urgent(client, fmt):
    definition = checked(client.get(f"{BASE}/services/0802.{fmt}"), "service_definition")
    assert definition["service_code"] == "0802"
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3]
    assert attributes["parties"]["datatype"] == "number"
    assert attributes["parties"]["required"] is True
    assert attributes["urgent"]["datatype"] == "singlevaluelist"
    assert attributes["urgent"]["required"] is False
    assert [v["key"] for v in attributes["urgent"]["values"]] == ["yes", "no"]
    assert attributes["occurred_at"]["datatype"] == "datetime"


def test_json_and_xml_definitions_agree_including_empty_lists(client):
    for code in ("0802", "0502", "0103"):
        as_json = checked(client.get(f"{BASE}/services/{code}.json"), "service_definition")
        as_xml = checked(client.get(f"{BASE}/services/{code}.xml"), "service_definition")
        assert as_json == as_xml


def test_noise_complaints_offer_a_multivaluelist(client):
    definition = checked(client.get(f"{BASE}/services/0502.json"), "service_definition")
    (noise,) = [a for a in definition["attributes"] if a["code"] == "noise_times"]
    assert noise["datatype"] == "multivaluelist"
    assert {v["key"] for v in noise["values"]} == {"day", "night", "small_hours"}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", ["9999", "08", "abc"])
def test_an_unknown_service_or_a_first_level_code_is_a_404(client, fmt, code):
    errors = checked(client.get(f"{BASE}/services/{code}.{fmt}"), "errors", status=404)
    assert errors[0]["code"] == 404
    assert code in errors[0]["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_jurisdiction_id_is_optional_and_a_foreign_one_is_a_404(client, fmt):
    url = f"{BASE}/services.{fmt}"
    checked(client.get(url, params={"jurisdiction_id": "chenzhou.gov.cn"}), "services")
    checked(client.get(url, params={"jurisdiction_id": ""}), "services")
    errors = checked(client.get(url, params={"jurisdiction_id": "sfgov.org"}), "errors", status=404)
    assert "sfgov.org" in errors[0]["description"]


def test_an_unknown_format_or_resource_answers_the_specs_error_array(client):
    errors = checked(client.get(f"{BASE}/services.html"), "errors", status=404)
    assert ".html" in errors[0]["description"]
    checked(client.get(f"{BASE}/nothing/here.xml"), "errors", status=404)
    checked(client.get(f"{BASE}/nothing.json"), "errors", status=404)


def test_the_rest_of_the_api_keeps_its_own_error_shape(client):
    response = client.get("/api/v1/cases/JY20990101000001")
    assert response.status_code == 401
    assert "error" in response.json()

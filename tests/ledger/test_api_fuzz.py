"""Hostile input against the ledger's JSON API (as tests/test_api_fuzz.py does for the whole
API, which covers these routes too once the app includes them): nothing answers 5xx, every
response matches the declared schema."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from jieyou.accounts.models import Role
from jieyou.config import Settings
from jieyou.db import Database
from tests.factories import BEIHU, make_staff
from tests.ledger.conftest import create
from tests.ledger.helpers import import_list, problem

EXAMPLES = int(os.environ.get("JIEYOU_FUZZ_EXAMPLES", "25"))
APP = create(
    Settings(environment="test", secret_key="test-secret-key"), database=Database("sqlite://")
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).include(path_regex="^/api/v1/ledger")


@pytest.fixture
def county_headers(db, client) -> dict[str, str]:
    APP.state.database = db
    county = make_staff(db, "beihu", Role.county, BEIHU, unit=f"C{BEIHU}")
    # Something to find: batch 1 exists, so generated ids sometimes meet a real one.
    assert import_list(client, county, [problem("Z1")]).status_code == 201
    return county.headers


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_input_breaks_the_ledger_api(case, county_headers):
    case.call_and_validate(headers=county_headers, excluded_checks=[positive_data_acceptance])

"""Hostile input against the whole JSON API: schemathesis generates requests from our own
OpenAPI document (valid and invalid) and checks that nothing answers 5xx and every response
matches its declared schema, status codes included. Bounded for CI by JIEYOU_FUZZ_EXAMPLES
(examples per operation)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from jieyou.accounts.models import Role
from jieyou.app import create_app
from jieyou.config import Settings
from jieyou.db import Database
from tests.factories import CITY, make_staff, submit

EXAMPLES = int(os.environ.get("JIEYOU_FUZZ_EXAMPLES", "25"))

# The schema is read once from an app whose database each test swaps for its own.
APP = create_app(
    Settings(environment="test", secret_key="test-secret-key"), database=Database("sqlite://")
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture
def admin_headers(db, client) -> dict[str, str]:
    APP.state.database = db
    # Something to find: a case, so generated numbers sometimes meet a real one.
    submit(client)
    return make_staff(db, "root", Role.admin, CITY).headers


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_input_breaks_the_api_or_its_schema(case, admin_headers):
    # Every check but "schema-valid data is accepted": our endpoints also apply business rules
    # the schema cannot express (a region code that does not exist, a rule set without a
    # catch-all), and refusing those with 422 is right.
    case.call_and_validate(headers=admin_headers, excluded_checks=[positive_data_acceptance])

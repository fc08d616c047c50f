"""Errors the GeoReport v2 way: an array of ``{code, description}`` with 400, 403 or 404.

The rest of the API answers ``{"error": {...}}`` (``jieyou.app``); Open311 clients expect the
spec's arrays instead, so :class:`jieyou.open311.api.Open311Route` turns every error raised
under ``/open311/v2/`` into one of these. The code of each error is the HTTP status, as in the
spec's examples; the description is a sentence for the person using the client.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Response

from jieyou.errors import JieyouError, NotFound, NotPermitted, Unauthenticated
from jieyou.open311.formats import Format, render
from jieyou.validation import describe_validation_errors

# Our field names (CaseCreate, validation locations) → the Open311 parameter they came from.
PARAMETERS = {
    "region_code": "address_id",
    "address": "address_string",
    "lng": "long",
    "lat": "lat",
    "category_code": "service_code",
    "description": "description",
    "title": "description",
    "submitter.phone": "phone",
    "phone": "phone",
    "submitter.name": "first_name/last_name",
    "name": "first_name/last_name",
}


class Open311Error(Exception):
    """One or more problems with a request, answered together with one status."""

    def __init__(self, status: int, descriptions: Sequence[str]) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = list(descriptions)


def bad_request(*descriptions: str) -> Open311Error:
    return Open311Error(400, descriptions)


def status_of(exc: JieyouError) -> int:
    """404 for what does not exist, 403 for a missing or wrong api_key, 400 for the rest."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Unauthenticated | NotPermitted):
        return 403
    return 400


def from_jieyou(exc: JieyouError) -> Open311Error:
    field = exc.extra.get("field")
    parameter = PARAMETERS.get(str(field), field) if field else None
    text = f"{parameter}：{exc.message}" if parameter else exc.message
    return Open311Error(status_of(exc), [text])


def from_validation(errors: Sequence[Any]) -> Open311Error:
    """Pydantic/FastAPI validation errors, one description per field."""
    _status, _code, message, fields = describe_validation_errors(errors)
    descriptions = []
    for item in fields:
        where = item["field"]
        parameter = PARAMETERS.get(where, where)
        descriptions.append(f"{parameter}：{item['message']}")
    return Open311Error(400, descriptions or [message])


def error_response(fmt: Format, error: Open311Error) -> Response:
    document = [{"code": error.status, "description": text} for text in error.descriptions]
    return render(fmt, "errors", document, status=error.status)

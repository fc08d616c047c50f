"""Form plumbing shared by the pages: values kept for re-rendering, errors beside fields."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from jieyou.errors import JieyouError
from jieyou.validation import describe_validation_errors

# API field names (last part of a pydantic location, or JieyouError.extra["field"]) → the
# form field the message is shown beside.
FIELD_ALIASES = {
    "region_code": "region",
    "phone": "phone",
    "name": "name",
    "category_code": "category_code",
    "unit_code": "assignee",
    "user": "assignee",
}


class FormErrors(dict[str, str]):
    """field → message. ``_`` holds a message for the whole form."""

    def add(self, field: str, message: str) -> None:
        field = FIELD_ALIASES.get(field, field)
        self[field] = f"{self[field]}；{message}" if field in self else message

    def from_validation(self, exc: ValidationError) -> None:
        _, _, _, fields = describe_validation_errors(exc.errors())  # type: ignore[arg-type]
        for item in fields:
            self.add(item["field"].rsplit(".", 1)[-1], item["message"])

    def from_error(self, exc: JieyouError) -> None:
        field = exc.extra.get("field")
        self.add(str(field) if field else "_", exc.message)


def text_values(form: FormData) -> dict[str, str]:
    """The text fields as typed, to fill the form again when it is refused."""
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


def field(form: FormData, name: str) -> str | None:
    """A text field, stripped; empty means absent."""
    value = form.get(name)
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def uploads(form: FormData, name: str) -> list[UploadFile]:
    """Files actually chosen (browsers send an empty part when none is)."""
    return [f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename]

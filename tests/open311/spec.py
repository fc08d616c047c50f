"""Checking responses against the JSON Schemas in ``schemas/`` (written from the GeoReport v2
and Service Discovery specifications), in both formats.

XML is parsed with defusedxml and read into the JSON shape the Spark convention gives it,
guided only by the schema: a list is the element named in the schema's ``xml.name`` (as in
OpenAPI) repeated inside its parent, a scalar is the element's text read as the type the
schema allows (``true``/``false``, a number), an empty element is null. Foreign or misnamed
elements survive the reading, so the schema refuses them like any JSON mistake.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import httpx
from jsonschema import Draft202012Validator

SCHEMAS = Path(__file__).parent / "schemas"
JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'


@cache
def schema(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((SCHEMAS / f"{name}.json").read_text("utf-8"))
    Draft202012Validator.check_schema(document)
    return document


def validate(instance: Any, name: str) -> Any:
    errors = sorted(Draft202012Validator(schema(name)).iter_errors(instance), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    return instance


def checked(response: httpx.Response, name: str, *, status: int = 200) -> Any:
    """The response's document, after checking status, content type and schema; the format
    is the one the URL asked for."""
    assert response.status_code == status, response.text
    if response.url.path.endswith(".xml"):
        assert response.headers["content-type"] == XML_TYPE
        return validate(read_xml(response.content, name), name)
    assert response.headers["content-type"] == JSON_TYPE
    return validate(response.json(), name)


def read_xml(body: bytes, name: str) -> Any:
    assert body.startswith(DECLARATION), body[:80]
    root = SafeET.fromstring(body)
    top = schema(name)
    assert root.tag == top["xml"]["name"], f"root <{root.tag}>, expected <{top['xml']['name']}>"
    return _read(root, top, top)


def _resolve(node: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        path = node["$ref"].removeprefix("#/").split("/")
        target: Any = top
        for part in path:
            target = target[part]
        node = target
    return node


def _types(node: dict[str, Any], top: dict[str, Any]) -> set[str]:
    node = _resolve(node, top)
    found: set[str] = set()
    kind = node.get("type")
    if isinstance(kind, str):
        found.add(kind)
    elif isinstance(kind, list):
        found.update(kind)
    for key in ("enum", "const"):
        values = node.get(key, []) if key == "enum" else [node[key]] if key in node else []
        for value in values:
            found.add(
                "null"
                if value is None
                else "boolean"
                if isinstance(value, bool)
                else "integer"
                if isinstance(value, int)
                else "number"
                if isinstance(value, float)
                else "string"
            )
    for key in ("anyOf", "oneOf"):
        for branch in node.get(key, []):
            found |= _types(branch, top)
    return found or {"string"}


def _read(element: Any, node: dict[str, Any], top: dict[str, Any]) -> Any:
    node = _resolve(node, top)
    kinds = _types(node, top)
    children = list(element)
    if "array" in kinds:
        items = _resolve(node.get("items", {}), top)
        item_name = items.get("xml", {}).get("name")
        read = []
        for child in children:
            assert child.tag == item_name, (
                f"<{child.tag}> in <{element.tag}>, expected <{item_name}>"
            )
            read.append(_read(child, items, top))
        assert not (element.text or "").strip(), f"text in list <{element.tag}>"
        return read
    if "object" in kinds or children:
        if not children and "null" in kinds and not (element.text or "").strip():
            return None
        properties = node.get("properties", {})
        read_object: dict[str, Any] = {}
        for child in children:
            assert child.tag not in read_object, f"<{child.tag}> twice in <{element.tag}>"
            read_object[child.tag] = _read(child, properties.get(child.tag, {}), top)
        return read_object
    text = element.text or ""
    if text == "":
        return None if "null" in kinds else ""
    if "boolean" in kinds and text in ("true", "false"):
        return text == "true"
    if "integer" in kinds and text.lstrip("-").isdigit():
        return int(text)
    if "number" in kinds:
        try:
            return float(text)
        except ValueError:
            return text
    return text

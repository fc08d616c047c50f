"""The two formats of GeoReport v2: JSON, and XML by the Spark convention (a list is an element
named for the list holding one element per item, named for the item; null is an empty
element; booleans are ``true``/``false``). Both are UTF-8 with the spec's content types."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET  # building documents only; nothing here parses XML
from enum import StrEnum
from typing import Any

from fastapi import Response

from jieyou.errors import NotFound


class Format(StrEnum):
    json = "json"
    xml = "xml"


MEDIA_TYPES = {
    Format.json: "application/json; charset=utf-8",
    Format.xml: "text/xml; charset=utf-8",
}

# The element of each item, by the name of its list (root or nested).
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
}

# Characters XML 1.0 cannot carry at all (C0 controls other than tab, newline, return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def parse_format(value: str) -> Format:
    try:
        return Format(value.lower())
    except ValueError:
        raise NotFound(
            f"不支持的格式 .{value}：请用 .json 或 .xml", code="unknown_format"
        ) from None


def format_of_path(path: str) -> Format:
    """The format a path asks for, for answering errors on paths that matched no route."""
    return Format.xml if path.lower().endswith(".xml") else Format.json


def render(fmt: Format, root: str, document: Any, *, status: int = 200) -> Response:
    """``document`` is a list (of ``ITEM_NAMES[root]`` items) or an object."""
    if fmt == Format.json:
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    else:
        body = to_xml(root, document)
    return Response(body, status_code=status, headers={"content-type": MEDIA_TYPES[fmt]})


def to_xml(root: str, document: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, root, document)
    text = ET.tostring(element, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text).encode()


def _fill(element: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), key, child)
    elif isinstance(value, list):
        item = ITEM_NAMES[name]
        for child in value:
            _fill(ET.SubElement(element, item), item, child)
    elif value is None:
        return
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = _NOT_XML.sub("\ufffd", str(value))

"""Personal data: one place that masks it (names, phone numbers, ID-card numbers, addresses,
and numbers typed into free text) and decides who reads it whole.

Masked forms keep what a person needs to recognise a record without exposing it:
13907351234 → 139****1234, 李秀英 → 李**, 431002198001011234 → 4310**********1234,
吴山村3组12号 → 吴山村***.
"""

from __future__ import annotations

import re

# Mainland mobiles, and any other run of 7+ digits (landlines, ID numbers, bank cards) that a
# resident may type into a description. Not our own case numbers (JY2026…): letters before
# the digits leave them alone.
MOBILE = re.compile(r"(?<![\dA-Za-z])(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
LONG_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{6,}[\dXx]?(?![\dXx])")


def mask(value: str | None) -> str:
    """A phone (139****1234), an ID number (4310**********1234) or anything else short."""
    if not value:
        return ""
    value = value.strip()
    if re.fullmatch(r"1\d{10}", value):
        return f"{value[:3]}****{value[-4:]}"
    if len(value) >= 15:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if len(value) >= 7:
        return value[:3] + "*" * (len(value) - 5) + value[-2:]
    return value[:1] + "*" * max(len(value) - 1, 1)


def mask_phone(phone: str | None) -> str:
    """13907351234 → 139****1234; a short number keeps only its last two digits."""
    digits = (phone or "").strip()
    if len(digits) >= 8:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def mask_name(name: str | None) -> str | None:
    """李秀英 → 李**: the surname stays, so a caller can still say 李女士."""
    if not name:
        return name
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_address(address: str | None) -> str | None:
    """The place without the house: the part up to the village or street, then ***."""
    if not address:
        return address
    match = re.match(r"^(.*?(?:村|社区|街道|路|街|镇|乡))", address)
    kept = match.group(1) if match and len(match.group(1)) < len(address) else address[:4]
    return kept + "***"


def mask_text(text: str | None) -> str:
    """Free text with every phone and long number masked."""
    if not text:
        return ""
    text = MOBILE.sub(r"\1****\3", text)
    return LONG_NUMBER.sub(lambda m: mask(m.group()), text)

"""Masking of contact details (联系方式脱敏) for staff who do not need to see them. Pure."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """138****5678; short numbers keep only their last two digits."""
    digits = (phone or "").strip()
    if not digits:
        return ""
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 4:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def mask_name(name: str) -> str:
    """张* / 欧阳** : keep the first character (the family name in most cases)."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)

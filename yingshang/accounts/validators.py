"""Password policy beyond Django's validators: letters and digits both required."""

import re

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """Requires at least one letter and one digit (口令需同时包含字母和数字)."""

    def validate(self, password: str, user=None) -> None:
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError("密码必须同时包含字母和数字。", code="password_character_classes")

    def get_help_text(self) -> str:
        return "密码必须同时包含字母和数字。"

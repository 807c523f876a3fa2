"""Errors a user can fix: raised by services, shown as a Chinese message with a 4xx status."""

from __future__ import annotations


class BusinessRuleError(Exception):
    """A request that breaks a business rule (e.g. a transition not allowed from the current state)."""

    status = 400

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None, details=None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.details = details or []


class ConflictError(BusinessRuleError):
    """The request conflicts with the record's current state (duplicate, already done)."""

    status = 409


class InvalidUpload(BusinessRuleError):
    """An uploaded file that cannot be read: wrong type, too big, unreadable encoding, corrupt."""

    status = 400

"""Errors a user can fix: raised by services, shown as a Chinese message with a 4xx status."""

from __future__ import annotations

from django.http import Http404


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


class ExplainedNotFound(Http404):
    """A 404 whose message is written for the user (e.g. an enterprise user whose binding is not verified yet):
    the page shows it, where a plain 404 only says "not found, or not yours"."""

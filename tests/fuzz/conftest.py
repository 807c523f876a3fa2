"""Fixtures shared by the fuzzing tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def wsgi_keeps_test_connection():
    """The real WSGI handler closes "old" connections around each request; inside a test transaction that closes
    the test's own connection (PostgreSQL). Django's test client detaches the same handler; schemathesis calls the
    real one in-process, so the API fuzzing modules use this fixture to do the same."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)

"""Every operation of the JSON API is fuzzed: each path of the OpenAPI document falls under the FUZZED_PATHS of one
of the schemathesis modules, so an API that lands without hostile-input tests fails here (as a route without a
permission-matrix entry fails tests/access). Open311 has no OpenAPI document; test_appeals_api draws its parameters."""

from __future__ import annotations

import re

from tests.access.matrix import api_operations
from tests.fuzz import (
    test_api_schemathesis,
    test_appeals_api,
    test_monitoring_api,
    test_plans_api,
    test_policies_api,
)

MODULES = (test_api_schemathesis, test_appeals_api, test_monitoring_api, test_plans_api, test_policies_api)


def _fuzzed_by(module, operation: str) -> bool:
    return re.search(module.FUZZED_PATHS, operation.split(" ", 1)[1]) is not None


def test_every_api_operation_falls_under_a_fuzzing_module():
    operations = api_operations()
    assert len(operations) >= 20, operations
    unfuzzed = [op for op in operations if not any(_fuzzed_by(module, op) for module in MODULES)]
    assert unfuzzed == [], (
        "这些接口没有任何 schemathesis 模块覆盖（tests/fuzz/test_<app>_api.py 的 FUZZED_PATHS）："
        + "、".join(unfuzzed)
    )


def test_each_module_fuzzes_some_operation():
    """A pattern that matches nothing (a renamed prefix) would fuzz nothing while its module still passes."""
    operations = api_operations()
    idle = [module.__name__ for module in MODULES if not any(_fuzzed_by(module, op) for op in operations)]
    assert idle == []

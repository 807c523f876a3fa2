"""Every operation of the JSON API is fuzzed: each path of /api/v1/openapi.json falls under the FUZZED_PATHS of one
of the schemathesis modules, so an API that lands without hostile-input tests fails here (as a route without a
permission-matrix entry fails tests/access). Open311 has no OpenAPI document; test_appeals_api draws its parameters."""

from __future__ import annotations

import re

from django.test import Client

from tests.fuzz import (
    test_api_schemathesis,
    test_appeals_api,
    test_monitoring_api,
    test_plans_api,
    test_policies_api,
)

MODULES = (test_api_schemathesis, test_appeals_api, test_monitoring_api, test_plans_api, test_policies_api)


def test_every_api_path_falls_under_a_fuzzing_module(db):
    paths = sorted(Client().get("/api/v1/openapi.json").json()["paths"])
    assert len(paths) >= 20, paths
    patterns = [re.compile(module.FUZZED_PATHS) for module in MODULES]
    unfuzzed = [path for path in paths if not any(pattern.search(path) for pattern in patterns)]
    assert unfuzzed == [], (
        "这些接口没有任何 schemathesis 模块覆盖（tests/fuzz/test_<app>_api.py 的 FUZZED_PATHS）："
        + "、".join(unfuzzed)
    )


def test_each_module_fuzzes_some_path(db):
    """A pattern that matches nothing (a renamed prefix) would fuzz nothing while its module still passes."""
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    idle = [
        module.__name__
        for module in MODULES
        if not any(re.search(module.FUZZED_PATHS, path) for path in paths)
    ]
    assert idle == []

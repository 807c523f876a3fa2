"""The world the permission matrix runs in: the named cast plus one object of each kind per county.

Each app adds its own objects in `tests/access/world_<app>.py`, a module with `build(world) -> None` that stores
what it creates on the cast (`world["gz_appeal"] = ...`), so that its table's `kwargs` can name them.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest


@pytest.fixture
def world(cast):
    from yingshang.accounts.models import User
    from yingshang.accounts.roles import Role
    from yingshang.enterprises.choices import MembershipStatus
    from yingshang.enterprises.models import EnterpriseImport, EnterpriseMembership

    gz_region, lz_region = cast.gz_enterprise.region, cast.lz_enterprise.region
    cast["gz_import"] = EnterpriseImport.objects.create(
        file="imports/enterprises/gz.csv", original_name="gz.csv", created_by=cast.gz_admin, region=gz_region,
        status="done", rejected=[{"row": 2, "field": "企业名称", "value": "=HYPERLINK()", "reason": "测试"}])
    cast["lz_import"] = EnterpriseImport.objects.create(
        file="imports/enterprises/lz.csv", original_name="lz.csv", created_by=cast.lz_admin, region=lz_region,
        status="done")
    cast["gz_pending"] = EnterpriseMembership.objects.get(user=cast.stranger, enterprise=cast.gz_enterprise)
    claimant = User.objects.create_user(username="lz_claimant", password="Test-pass-2025", role=Role.ENTERPRISE)
    cast["lz_pending"] = EnterpriseMembership.objects.create(user=claimant, enterprise=cast.lz_enterprise,
                                                             status=MembershipStatus.PENDING)
    import tests.access as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("world_"):
            importlib.import_module(f"tests.access.{info.name}").build(cast)
    return cast

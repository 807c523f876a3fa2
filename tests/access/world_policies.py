"""Policy-supermarket objects for the permission matrix, one set per owner: the city's market regulator (市市场监管局),
甘州区's and 临泽县's (the departments of city_staff, gz_staff and lz_staff).

For each owner `key` in city / gz / lz: a published document `{key}_policy_document` (region and drafting
department of that owner) with an applied-for clause `{key}_policy_clause` handled by the owner's department and
a 免申即享 clause `{key}_policy_auto_clause`; a draft `{key}_policy_draft` with an unconfirmed clause
`{key}_policy_draft_clause`. gz_enterprise has applied to the gz clause (`gz_policy_application`, submitted) and
been approved for the gz 免申即享 clause with a payout (`gz_policy_disbursement`); lz_enterprise likewise in 临泽县.
`gz_policy_guide` / `lz_policy_guide`: gz_staff guides gz_enterprise, lz_staff guides lz_enterprise.

Everything is written directly (no services, no audit): the matrix only needs the rows to exist.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

AT = dt.datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


def build(world) -> None:
    from yingshang.policies.models import (
        Benefit,
        Clause,
        Disbursement,
        GuideAssignment,
        PolicyApplication,
        PolicyDocument,
        PolicyMatch,
        PolicyVersion,
    )

    owners = {"city": world.city_staff, "gz": world.gz_staff, "lz": world.lz_staff}
    for key, staff in owners.items():
        department = staff.department
        for status, suffix in (("published", "document"), ("draft", "draft")):
            document = PolicyDocument.objects.create(
                title=f"矩阵政策 {key} {suffix}",
                level="city" if key == "city" else "county",
                region=department.region,
                department=department,
                status=status,
                published_on=AT.date(),
                tags=["肉牛"],
                created_by=staff,
            )
            PolicyVersion.objects.create(document=document, number=1, text=f"矩阵政策 {key} {suffix} 原文")
            world[f"{key}_policy_{suffix}"] = document
            confirmed = "confirmed" if status == "published" else "pending"
            clause = Clause.objects.create(
                document=document,
                position=1,
                title=f"{key} 申报条款",
                text="对符合条件的企业给予奖励10万元。",
                rules={"tags_any": ["肉牛"]} if key == "lz" else {},
                review_status=confirmed,
                handling_department=department,
                materials=[{"name": "营业执照", "required": True}],
            )
            Benefit.objects.create(clause=clause, benefit_type="award", max_amount_yuan=100_000)
            world[f"{key}_policy_{'clause' if status == 'published' else 'draft_clause'}"] = clause
            if status == "published":
                auto = Clause.objects.create(
                    document=document,
                    position=2,
                    title=f"{key} 免申即享条款",
                    text="免申即享奖励5万元。",
                    rules={},
                    review_status="confirmed",
                    handling_department=department,
                    delivery_mode="automatic",
                )
                Benefit.objects.create(clause=auto, benefit_type="award", max_amount_yuan=50_000)
                world[f"{key}_policy_auto_clause"] = auto
    for key in ("gz", "lz"):
        enterprise = world[f"{key}_enterprise"]
        world[f"{key}_policy_application"] = PolicyApplication.objects.create(
            tracking_number=f"ZC-MATRIX-{key}-1",
            enterprise=enterprise,
            clause=world[f"{key}_policy_clause"],
            year=2026,
            status="submitted",
            submitted_by=world[f"{key}_owner"],
            submitted_at=AT,
            due_at=AT + dt.timedelta(days=14),
        )
        approved = PolicyApplication.objects.create(
            tracking_number=f"ZC-MATRIX-{key}-2",
            enterprise=enterprise,
            clause=world[f"{key}_policy_auto_clause"],
            year=2026,
            status="approved",
            channel="confirmed",
            approved_yuan=50_000,
            submitted_by=world[f"{key}_owner"],
            submitted_at=AT,
            decided_at=AT,
        )
        world[f"{key}_policy_disbursement"] = Disbursement.objects.create(
            application=approved, amount_yuan=50_000, status="approved", approved_at=AT
        )
        world[f"{key}_policy_guide"] = GuideAssignment.objects.create(
            enterprise=enterprise,
            guide=world[f"{key}_staff"],
            assigned_by=world[f"{key}_admin"],
            assigned_at=AT,
        )
        for clause_key in ("city_policy_auto_clause", f"{key}_policy_auto_clause"):
            PolicyMatch.objects.create(
                enterprise=enterprise,
                clause=world[clause_key],
                status="met",
                estimated_max_yuan=50_000,
                decidable_from_registry=True,
                computed_at=AT,
            )

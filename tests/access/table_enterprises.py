"""经营主体库 pages: scope by county (甘州区 vs 临泽县), own enterprise vs another's, import batches per county."""

from tests.access.matrix import (
    CAST,
    CITY_WIDE_REGISTRY,
    FORBIDDEN,
    GOVERNMENT,
    NOT_FOUND,
    REGISTRY_ADMINS,
    SIGNED_IN,
    Case,
    expect,
)

NON_ADMINS = SIGNED_IN - REGISTRY_ADMINS


def _gz(world):
    return {"enterprise_id": world.gz_enterprise.pk}


def _lz(world):
    return {"enterprise_id": world.lz_enterprise.pk}


def _missing(world):
    return {"enterprise_id": 987654321}


# Who may open the 甘州区 enterprise and who gets 404 (not theirs); mirrored for 临泽县.
GZ_VISIBLE = CITY_WIDE_REGISTRY | {"gz_admin", "gz_staff", "gz_owner"}
LZ_VISIBLE = CITY_WIDE_REGISTRY | {"lz_admin", "lz_staff", "lz_owner"}

CASES = {
    "enterprises:list": [Case(expect(allow=GOVERNMENT, otherwise=FORBIDDEN))],
    "enterprises:detail": [
        Case(expect(allow=GZ_VISIBLE, otherwise=NOT_FOUND), kwargs=_gz, label="甘州区主体"),
        Case(expect(allow=LZ_VISIBLE, otherwise=NOT_FOUND), kwargs=_lz, label="临泽县主体"),
        Case(expect(not_found=CAST), kwargs=_missing, label="不存在的编号"),
    ],
    "enterprises:edit": [
        Case(expect(allow={"city_admin", "gz_admin"}, not_found={"lz_admin"}, otherwise=FORBIDDEN), kwargs=_gz,
             label="甘州区主体"),
        Case(expect(allow={"city_admin", "lz_admin"}, not_found={"gz_admin"}, otherwise=FORBIDDEN), kwargs=_lz,
             label="临泽县主体"),
    ],
    "enterprises:export": [Case(expect(allow=REGISTRY_ADMINS, otherwise=FORBIDDEN))],
    "enterprises:import": [Case(expect(allow=REGISTRY_ADMINS, otherwise=FORBIDDEN))],
    "enterprises:import_template": [Case(expect(allow=SIGNED_IN))],
    "enterprises:import_status": [
        Case(expect(allow={"city_admin", "gz_admin"}, not_found={"lz_admin"}, otherwise=FORBIDDEN),
             kwargs=lambda w: {"import_id": w.gz_import.pk}, label="甘州区批次"),
        Case(expect(allow={"city_admin", "lz_admin"}, not_found={"gz_admin"}, otherwise=FORBIDDEN),
             kwargs=lambda w: {"import_id": w.lz_import.pk}, label="临泽县批次"),
    ],
    "enterprises:import_rejected": [
        Case(expect(allow={"city_admin", "gz_admin"}, not_found={"lz_admin"}, otherwise=FORBIDDEN),
             kwargs=lambda w: {"import_id": w.gz_import.pk}, label="甘州区批次"),
        Case(expect(allow={"city_admin", "lz_admin"}, not_found={"gz_admin"}, otherwise=FORBIDDEN),
             kwargs=lambda w: {"import_id": w.lz_import.pk}, label="临泽县批次"),
    ],
    "enterprises:memberships": [Case(expect(allow=REGISTRY_ADMINS, otherwise=FORBIDDEN))],
    # Any signed-in user may post; only enterprise users get a pending claim, others are sent back with a message.
    "enterprises:membership_request": [Case(expect(allow=SIGNED_IN), method="post",
                                            data=lambda w: {"credit_code": w.lz_enterprise.credit_code})],
    "enterprises:membership_decide": [
        Case(expect(allow={"city_admin", "gz_admin"}, not_found={"lz_admin"}, otherwise=FORBIDDEN), method="post",
             kwargs=lambda w: {"membership_id": w.gz_pending.pk}, data=lambda w: {"decision": "reject"},
             label="甘州区绑定申请"),
        Case(expect(allow={"city_admin", "lz_admin"}, not_found={"gz_admin"}, otherwise=FORBIDDEN), method="post",
             kwargs=lambda w: {"membership_id": w.lz_pending.pk}, data=lambda w: {"decision": "reject"},
             label="临泽县绑定申请"),
    ],
}

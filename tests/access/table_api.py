"""/api/v1/: the OpenAPI document and docs are public; every operation is listed by 'METHOD /path'."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.access.matrix import (
    ALLOW,
    CAST,
    CITY_WIDE_REGISTRY,
    FORBIDDEN,
    GOVERNMENT,
    NOT_FOUND,
    REGISTRY_ADMINS,
    SIGNED_IN,
    Case,
    api_expect,
    expect,
)

GZ_VISIBLE = CITY_WIDE_REGISTRY | {"gz_admin", "gz_staff", "gz_owner"}
LZ_VISIBLE = CITY_WIDE_REGISTRY | {"lz_admin", "lz_staff", "lz_owner"}


def _csv(world):
    return {"file": SimpleUploadedFile("matrix.csv", "统一社会信用代码,企业名称\n".encode())}


CASES = {
    "api-v1:openapi-json": [Case(expect(allow=SIGNED_IN, anonymous=ALLOW))],
    "api-v1:openapi-view": [Case(expect(allow=SIGNED_IN, anonymous=ALLOW))],
    "api-v1:api-root": [Case(expect(not_found=SIGNED_IN, anonymous=NOT_FOUND))],
    "GET /api/v1/enterprises": [Case(api_expect(allow=GOVERNMENT, otherwise=FORBIDDEN))],
    "GET /api/v1/enterprises/{enterprise_id}": [
        Case(api_expect(allow=GZ_VISIBLE, otherwise=NOT_FOUND), kwargs=lambda w: {"enterprise_id": w.gz_enterprise.pk},
             label="甘州区主体"),
        Case(api_expect(allow=LZ_VISIBLE, otherwise=NOT_FOUND), kwargs=lambda w: {"enterprise_id": w.lz_enterprise.pk},
             label="临泽县主体"),
        Case(api_expect(not_found=CAST), kwargs=lambda w: {"enterprise_id": 987654321}, label="不存在的编号"),
    ],
    "POST /api/v1/enterprises/imports": [Case(api_expect(allow=REGISTRY_ADMINS, otherwise=FORBIDDEN), data=_csv)],
    # Batches are invisible (404), not forbidden, to anyone who cannot import: their existence is not disclosed.
    "GET /api/v1/enterprises/imports/{import_id}": [
        Case(api_expect(allow={"city_admin", "gz_admin"}, otherwise=NOT_FOUND),
             kwargs=lambda w: {"import_id": w.gz_import.pk}, label="甘州区批次"),
        Case(api_expect(allow={"city_admin", "lz_admin"}, otherwise=NOT_FOUND),
             kwargs=lambda w: {"import_id": w.lz_import.pk}, label="临泽县批次"),
    ],
}

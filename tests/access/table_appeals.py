"""诉求 routes and Open311. Pages on one appeal are checked against the appeals of `world_appeals.py`: own/other
department, own/other county, the filing enterprise vs another one, a department below the user's."""

import itertools

from tests.access.matrix import (
    ALLOW,
    CAST,
    ENTERPRISE_SIDE,
    EVERYONE,
    FORBIDDEN,
    GOVERNMENT,
    NOT_FOUND,
    SIGNED_IN,
    Case,
    api_expect,
    expect,
)

HANDLERS = {"city_staff", "city_dept_lead", "gz_admin", "gz_staff", "lz_admin", "lz_staff"}  # appeal.handle
LEDGER = GOVERNMENT - {"inspector"}  # appeal.view
METRICS = {"city_admin", "leader", "operator", "city_dept_lead", "gz_admin", "lz_admin"}  # appeal.metrics
VISITORS = {
    "city_admin",
    "city_staff",
    "city_dept_lead",
    "gz_admin",
    "gz_staff",
    "lz_admin",
    "lz_staff",
    "officer",
}
BAD_REQUEST = "status 400"  # passed every permission check, then refused for its content

# Who sees each appeal of the world (Appeal.objects.visible_to); everyone else gets 404.
VIEW_ALL = {"city_admin", "leader", "operator"}
SEES = {
    "gz_appeal": VIEW_ALL | {"gz_admin", "gz_staff", "gz_owner"},
    "lz_appeal": VIEW_ALL | {"lz_admin", "lz_staff", "lz_owner"},
    "gz_tax_appeal": VIEW_ALL | {"gz_admin", "gz_owner"},  # gz_staff's department does not handle it
    "city_appeal": VIEW_ALL | {"city_staff", "city_dept_lead", "gz_admin"},
    "enforcement_appeal": VIEW_ALL | {"city_dept_lead", "lz_admin"},  # a department below city_dept_lead's
    "gz_replied": VIEW_ALL | {"gz_admin", "gz_staff", "gz_owner"},
}
LABELS = {
    "gz_appeal": "甘州区·本部门·本企业",
    "lz_appeal": "临泽县",
    "gz_tax_appeal": "甘州区·他部门",
    "city_appeal": "市直部门",
    "enforcement_appeal": "下级部门",
    "gz_replied": "待评价",
}
# 催办 (urge): dispatchers and supervisors in scope; a visible appeal is 403 for the others.
URGERS = {"city_admin", "operator"}


def _id(name):
    return lambda world: {"appeal_id": world[name].pk}


def _visible(name, *, api=False):
    make = api_expect if api else expect
    return Case(make(allow=SEES[name], otherwise=NOT_FOUND), kwargs=_id(name), label=LABELS[name])


def _act(name, action, *, allow, data=None, api=False):
    """An action on one appeal: `allow` may, the others who see it get 403, the rest 404."""
    seeing = SEES[name]
    outcomes = (api_expect if api else expect)(
        allow=allow, forbidden=seeing - set(allow), not_found=set(CAST) - seeing
    )
    payload = {"action": action, **(data or {})}
    if api:
        return Case(
            outcomes,
            kwargs=_id(name),
            method="post",
            data=lambda w: dict(payload),
            label=f"{LABELS[name]}·{action}",
        )
    return Case(
        outcomes,
        kwargs=lambda w: {"appeal_id": w[name].pk, "action": action},
        method="post",
        data=lambda w: dict(data or {}),
        label=f"{LABELS[name]}·{action}",
    )


def _missing(world):
    return {"appeal_id": 987654321}


FILERS = {
    "city_admin",
    "operator",
    "officer",
    "gz_owner",
    "lz_owner",
    "stranger",
}  # appeal.file/intake/import
_orders = itertools.count(1)
APPEAL_TEXT = "企业厂区门口道路施工三个月未完工，货车无法进出，请协调加快施工。"


def _new_appeal(world):
    return {"category": "009", "description": APPEAL_TEXT, "contact_phone": "13900000000"}


def _forged(world):
    return {**_new_appeal(world), "enterprise_id": world.gz_enterprise.pk}


def _work_order(world):
    return {**_new_appeal(world), "external_id": f"12345-MATRIX-{next(_orders):05d}"}


def _open311_post(key: bool):
    def data(world):
        body = {"service_code": "009", "description": APPEAL_TEXT, "address_string": "张掖市甘州区北环路"}
        return {**body, "api_key": world.open311_key} if key else body

    return data


def public(outcome=ALLOW):
    return {person: outcome for person in EVERYONE}


CASES = {
    "appeals:home": [Case(expect(allow=SIGNED_IN))],  # a redirect to the role's own appeals page
    "appeals:new": [Case(expect(allow=ENTERPRISE_SIDE, otherwise=FORBIDDEN))],
    "appeals:public": [Case(expect(allow=SIGNED_IN, anonymous=ALLOW))],
    "appeals:intake": [Case(expect(allow={"operator"}, otherwise=FORBIDDEN))],
    "appeals:mine": [Case(expect(allow=SIGNED_IN))],
    "appeals:dispatch_queue": [
        Case(expect(allow={"city_admin", "operator", "gz_admin", "lz_admin"}, otherwise=FORBIDDEN))
    ],
    "appeals:inbox": [Case(expect(allow=HANDLERS, otherwise=FORBIDDEN))],
    "appeals:extensions": [Case(expect(allow={"city_admin", "city_dept_lead"}, otherwise=FORBIDDEN))],
    "appeals:revisits": [Case(expect(allow={"city_admin", "operator"}, otherwise=FORBIDDEN))],
    "appeals:import": [Case(expect(allow={"city_admin", "operator"}, otherwise=FORBIDDEN))],
    "appeals:import_template": [Case(expect(allow=SIGNED_IN))],
    "appeals:visits": [Case(expect(allow=VISITORS, otherwise=FORBIDDEN))],
    "appeals:visit_new": [Case(expect(allow=VISITORS, otherwise=FORBIDDEN))],
    "appeals:ledger": [Case(expect(allow=LEDGER, otherwise=FORBIDDEN))],
    "appeals:ledger_export": [Case(expect(allow=LEDGER, otherwise=FORBIDDEN))],
    "appeals:metrics": [Case(expect(allow=METRICS, otherwise=FORBIDDEN))],
    "appeals:metrics_export": [Case(expect(allow=METRICS, otherwise=FORBIDDEN))],
    "appeals:hot": [Case(expect(allow=METRICS, otherwise=FORBIDDEN))],
    "appeals:assessment": [Case(expect(allow=METRICS, otherwise=FORBIDDEN))],
    "appeals:assessment_export": [Case(expect(allow=METRICS, otherwise=FORBIDDEN))],
    "appeals:formulas": [Case(expect(allow=LEDGER, otherwise=FORBIDDEN))],
    "appeals:configuration": [Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN))],
    "appeals:catalogue": [Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN))],
    "appeals:catalogue_export": [Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN))],
    # The appeal page: by handling department, county, filing enterprise; ids that do not exist are 404 too.
    "appeals:detail": [
        *(_visible(name) for name in SEES),
        Case(expect(not_found=CAST), kwargs=_missing, label="不存在的编号"),
    ],
    # The secret tracking link works for whoever holds it (the public requester); a guessed token is 404.
    "appeals:track": [
        Case(public(), kwargs=lambda w: {"token": w.gz_appeal.token}, label="凭证"),
        Case(public(NOT_FOUND), kwargs=lambda w: {"token": "0" * 32}, label="猜测的凭证"),
    ],
    "appeals:act": [
        _act("gz_appeal", "urge", allow=URGERS | {"gz_admin"}, data={"note": "请尽快签收"}),
        _act("lz_appeal", "urge", allow=URGERS | {"lz_admin"}, data={"note": "请尽快签收"}),
        _act("city_appeal", "urge", allow=URGERS | {"gz_admin"}, data={"note": "请尽快签收"}),
        # Signing: only the handling department (another department of the same county is 403/404).
        _act("lz_appeal", "sign", allow={"lz_staff"}),
        _act("gz_tax_appeal", "sign", allow=set()),
        _act("enforcement_appeal", "sign", allow={"city_dept_lead"}),
        # Rating: only the filing enterprise (another enterprise's user does not even see it).
        _act("gz_replied", "rate", allow={"gz_owner"}, data={"level": "5", "resolution": "resolved"}),
        Case(
            expect(not_found=CAST),
            kwargs=lambda w: {"appeal_id": w.gz_appeal.pk, "action": "fly"},
            method="post",
            label="未知操作",
        ),
    ],
    "appeals:attachment": [
        Case(
            expect(allow=SEES["gz_appeal"], otherwise=NOT_FOUND),
            kwargs=lambda w: {"appeal_id": w.gz_appeal.pk, "attachment_id": w.gz_attachment.pk},
            label="本诉求附件",
        ),
        Case(
            expect(allow=SEES["lz_appeal"], otherwise=NOT_FOUND),
            kwargs=lambda w: {"appeal_id": w.lz_appeal.pk, "attachment_id": w.lz_attachment.pk},
            label="临泽县附件",
        ),
        # Another appeal's attachment id under an appeal one may see: never served.
        Case(
            expect(not_found=CAST),
            kwargs=lambda w: {"appeal_id": w.gz_appeal.pk, "attachment_id": w.lz_attachment.pk},
            label="他件附件",
        ),
    ],
    # Everyone signed in gets a list scoped to them (enterprises: their own appeals).
    "GET /api/v1/appeals": [Case(api_expect(allow=SIGNED_IN))],
    "GET /api/v1/appeals/{appeal_id}": [
        *(_visible(name, api=True) for name in SEES),
        Case(api_expect(not_found=CAST), kwargs=_missing, label="不存在的编号"),
    ],
    "POST /api/v1/appeals": [
        Case(api_expect(allow=FILERS, otherwise=FORBIDDEN), data=_new_appeal),
        # Filing in another enterprise's name: only its verified user and city-wide intake may.
        Case(
            {
                **api_expect(allow={"city_admin", "operator", "gz_owner"}, otherwise=FORBIDDEN),
                **{person: BAD_REQUEST for person in ("officer", "lz_owner", "stranger")},
            },
            data=_forged,
            label="以他企业名义",
        ),
    ],
    "POST /api/v1/appeals/work-orders": [
        Case(api_expect(allow={"city_admin", "operator"}, otherwise=FORBIDDEN), data=_work_order)
    ],
    "POST /api/v1/appeals/{appeal_id}/transitions": [
        _act("gz_appeal", "urge", allow=URGERS | {"gz_admin"}, data={"note": "请尽快签收"}, api=True),
        _act("lz_appeal", "sign", allow={"lz_staff"}, api=True),
        _act("enforcement_appeal", "sign", allow={"city_dept_lead"}, api=True),
        _act("gz_replied", "rate", allow={"gz_owner"}, data={"level": 5, "resolution": "resolved"}, api=True),
    ],
    # Open311 GeoReport v2: reads are public by the standard; posting needs an api_key, not a session.
    "open311_discovery": [Case(public(), kwargs=lambda w: {"fmt": "json"})],
    "open311_services": [Case(public(), kwargs=lambda w: {"fmt": "xml"})],
    "open311_service": [
        Case(public(), kwargs=lambda w: {"code": "009", "fmt": "json"}, label="已有类别"),
        Case(public(NOT_FOUND), kwargs=lambda w: {"code": "999", "fmt": "json"}, label="未知类别"),
    ],
    "open311_requests": [
        Case(public(), kwargs=lambda w: {"fmt": "json"}, label="查询"),
        Case(
            public(FORBIDDEN),
            kwargs=lambda w: {"fmt": "json"},
            method="post",
            data=_open311_post(False),
            label="无 api_key",
        ),
        Case(
            public(),
            kwargs=lambda w: {"fmt": "json"},
            method="post",
            data=_open311_post(True),
            label="有 api_key",
        ),
    ],
    "open311_request": [
        Case(
            public(),
            kwargs=lambda w: {"request_id": w.gz_appeal.tracking_number, "fmt": "json"},
            label="已有",
        ),
        Case(public(NOT_FOUND), kwargs=lambda w: {"request_id": "SQ0", "fmt": "xml"}, label="不存在"),
    ],
    "open311_token": [
        Case(public(), kwargs=lambda w: {"token": w.gz_appeal.token, "fmt": "json"}, label="凭证"),
        Case(public(NOT_FOUND), kwargs=lambda w: {"token": "0" * 32, "fmt": "json"}, label="猜测的凭证"),
    ],
    "open311_request_updates": [Case(public(), kwargs=lambda w: {"fmt": "json"})],
    "open311_invalid": [Case(public(BAD_REQUEST), kwargs=lambda w: {"path": "nothing.json"})],
}

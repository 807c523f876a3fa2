"""营商监测 routes: every page and API operation, with objects of the city, 甘州区 and 临泽县 from
`world_monitoring.py`.

Index scores and ranks are the city's published comparison (月通报) and readable by every monitoring viewer; the
submitted values behind them, submissions and alerts are scoped: a county sees its own county, a department the
regions it reports for, the city office and leaders everything.
"""

from tests.access.matrix import ALLOW, EVERYONE, FORBIDDEN, GOVERNMENT, NOT_FOUND, Case, api_expect, expect

VIEWERS = GOVERNMENT - {"operator", "inspector"}  # monitoring.view
SUBMITTERS = {
    "city_staff",
    "city_dept_lead",
    "gz_admin",
    "gz_staff",
    "lz_admin",
    "lz_staff",
}  # monitoring.submit
CITY_WIDE = {"city_admin", "leader"}
CITY_MARKET = {"city_staff", "city_dept_lead"}  # 市市场监管局 (staff, leader): report for the city only
GZ = {"gz_admin", "gz_staff"}
LZ = {"lz_admin", "lz_staff"}
# Who sees the objects of each place (values, submissions, alerts), and which viewers get a 404 instead.
SEES = {"city": CITY_WIDE | CITY_MARKET, "gz": CITY_WIDE | GZ, "lz": CITY_WIDE | LZ}
REGION_CODE = {"city": "620700", "gz": "620702", "lz": "620723"}
PERIOD = "2026-09"


def scoped(place: str) -> dict[str, str]:
    """Viewers in scope: allowed; other viewers: 404 (the object is not theirs); everyone else: 403."""
    return expect(allow=SEES[place], not_found=VIEWERS - SEES[place], otherwise=FORBIDDEN)


def _object(name: str, key: str):
    return lambda world: {key: world[name].pk}


CASES = {
    "monitoring:dashboard": [Case(expect(allow=VIEWERS, otherwise=FORBIDDEN))],
    "monitoring:indicators": [Case(expect(allow=VIEWERS, otherwise=FORBIDDEN))],
    "monitoring:alerts": [Case(expect(allow=VIEWERS, otherwise=FORBIDDEN))],
    # Everyone who can read monitoring sees the rounds (the city office opens them; departments submit).
    "monitoring:rounds": [Case(expect(allow=VIEWERS, otherwise=FORBIDDEN))],
    "monitoring:round_open": [Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN), method="post")],
    "monitoring:link_targets": [Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN), method="post")],
    "monitoring:weights": [Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN))],
    "monitoring:parameters": [
        Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN)),
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            label="preview",
            method="post",
            data=lambda world: {
                "plan_year": "2026",
                "action": "preview",
                "best:startup_time": "1",
                "worst:startup_time": "20",
            },
        ),
    ],
    "monitoring:surveys": [Case(expect(allow={"city_admin"}, otherwise=FORBIDDEN))],
    "monitoring:dimension": [
        Case(expect(allow=VIEWERS, otherwise=FORBIDDEN), kwargs=lambda world: {"code": "legal"})
    ],
    "monitoring:indicator": [
        Case(expect(allow=VIEWERS, otherwise=FORBIDDEN), kwargs=lambda world: {"code": "startup_time"})
    ],
    "monitoring:values": [
        Case(
            scoped(place),
            label=place,
            kwargs=lambda world, place=place: {"code": "startup_time", "region_code": REGION_CODE[place]},
        )
        for place in ("city", "gz", "lz")
    ]
    + [
        Case(
            expect(not_found=VIEWERS, otherwise=FORBIDDEN),
            label="zone-or-unknown",
            kwargs=lambda world: {"code": "startup_time", "region_code": "999999"},
        )
    ],
    # The round page: viewers read it (the city office sees every submission); only submitters may post.
    "monitoring:round": [
        Case(expect(allow=VIEWERS, otherwise=FORBIDDEN), kwargs=_object("monitoring_round", "round_id")),
        Case(
            expect(not_found=VIEWERS, otherwise=FORBIDDEN),
            label="unknown",
            kwargs=lambda world: {"round_id": world.monitoring_round.pk + 1000},
        ),
    ],
    "monitoring:round_template": [
        Case(expect(allow=SUBMITTERS, otherwise=FORBIDDEN), kwargs=_object("monitoring_round", "round_id"))
    ],
    "monitoring:submission": [
        Case(scoped(place), label=place, kwargs=_object(f"{place}_monitoring_submission", "submission_id"))
        for place in ("city", "gz", "lz")
    ],
    # Review is the city office's: everyone else is refused by role before the object is looked at.
    "monitoring:submission_review": [
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            label=place,
            method="post",
            kwargs=_object(f"{place}_monitoring_submission", "submission_id"),
            data=lambda world: {"decision": "return", "note": "权限矩阵：退回"},
        )
        for place in ("gz", "lz")
    ],
    # A correction: the reporting department's own staff or the city office; a county administrator sees the
    # value but may not change another department's figure (403); the leader reads only (403).
    "monitoring:value_revise": [
        Case(
            expect(
                allow={"city_admin", "city_staff", "city_dept_lead"},
                forbidden={"leader"},
                not_found=VIEWERS - SEES["city"],
                otherwise=FORBIDDEN,
            ),
            label="city",
            kwargs=_object("city_monitoring_value", "value_id"),
        ),
        Case(
            expect(
                allow={"city_admin", "gz_staff"},
                forbidden={"leader", "gz_admin"},
                not_found=VIEWERS - SEES["gz"],
                otherwise=FORBIDDEN,
            ),
            label="gz",
            kwargs=_object("gz_monitoring_value", "value_id"),
        ),
    ],
    "monitoring:value_approve": [
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            label=place,
            method="post",
            kwargs=_object(f"{place}_monitoring_value", "value_id"),
        )
        for place in ("gz", "lz")
    ],
    "monitoring:alert": [
        *[
            Case(scoped(place), label=place, kwargs=_object(f"{place}_monitoring_alert", "alert_id"))
            for place in ("city", "gz", "lz")
        ],
        # Acknowledging: the responsible county or department, or the city office; the leader reads only.
        Case(
            expect(
                allow=SEES["lz"] - {"leader"},
                forbidden={"leader"},
                not_found=VIEWERS - SEES["lz"],
                otherwise=FORBIDDEN,
            ),
            label="acknowledge",
            method="post",
            kwargs=_object("lz_monitoring_alert", "alert_id"),
            data=lambda world: {"action": "acknowledge"},
        ),
    ],
    "monitoring:report": [
        Case(
            expect(allow=VIEWERS, otherwise=FORBIDDEN), kwargs=lambda world: {"period": PERIOD, "fmt": "docx"}
        )
    ],
    # One export view, one `table` slug per page table; each slug is scoped as its page is.
    "monitoring:export": [
        *[
            Case(
                expect(allow=VIEWERS, otherwise=FORBIDDEN),
                label=table,
                kwargs=lambda world, table=table: {"table": table},
                data=lambda world, query=query: query,
            )
            for table, query in (
                ("ranking", {"period": PERIOD}),
                ("targets", {"period": PERIOD}),
                ("scores", {"period": PERIOD}),
                ("dimension", {"code": "legal", "period": PERIOD}),
                ("indicator", {"code": "startup_time", "period": PERIOD}),
                ("catalogue", {"year": "2026"}),
                ("alerts", {}),
                ("rounds", {}),
            )
        ],
        *[
            Case(
                scoped(place),
                label=f"values-{place}",
                kwargs=lambda world: {"table": "values"},
                data=lambda world, place=place: {"code": "startup_time", "region": REGION_CODE[place]},
            )
            for place in ("city", "gz", "lz")
        ],
        Case(
            expect(not_found=VIEWERS, otherwise=FORBIDDEN),
            label="values-unknown-region",
            kwargs=lambda world: {"table": "values"},
            data=lambda world: {"code": "startup_time", "region": "999999"},
        ),
        Case(
            expect(allow=VIEWERS, otherwise=FORBIDDEN),
            label="round",
            kwargs=lambda world: {"table": "round"},
            data=lambda world: {"round": world.monitoring_round.pk},
        ),
        Case(
            expect(not_found=VIEWERS, otherwise=FORBIDDEN),
            label="round-unknown",
            kwargs=lambda world: {"table": "round"},
            data=lambda world: {"round": world.monitoring_round.pk + 1000},
        ),
        *[
            Case(
                scoped(place),
                label=f"submission-{place}",
                kwargs=lambda world: {"table": "submission"},
                data=lambda world, place=place: {"submission": world[f"{place}_monitoring_submission"].pk},
            )
            for place in ("city", "gz", "lz")
        ],
        *[
            Case(
                expect(allow={"city_admin"}, otherwise=FORBIDDEN),
                label=table,
                kwargs=lambda world, table=table: {"table": table},
            )
            for table in ("surveys", "parameters", "weights")
        ],
        *[
            Case(
                expect(allow=CITY_WIDE | CITY_MARKET, not_found=GZ | LZ, otherwise=FORBIDDEN),
                label=table,
                kwargs=lambda world, table=table: {"table": table},
                data=lambda world: {"survey": world.monitoring_survey.pk},
            )
            for table in ("survey", "survey_sample")
        ],
        Case(
            expect(not_found=VIEWERS, otherwise=FORBIDDEN),
            label="unknown-table",
            kwargs=lambda world: {"table": "passwords"},
        ),
    ],
    # Surveys are the city office's; city-wide viewers read them, county users do not see them (404).
    "monitoring:survey": [
        Case(
            expect(allow=CITY_WIDE | CITY_MARKET, not_found=GZ | LZ, otherwise=FORBIDDEN),
            kwargs=_object("monitoring_survey", "survey_id"),
        ),
        Case(
            expect(
                allow={"city_admin"},
                forbidden={"leader", *CITY_MARKET},
                not_found=GZ | LZ,
                otherwise=FORBIDDEN,
            ),
            label="manage",
            method="post",
            kwargs=_object("monitoring_survey", "survey_id"),
            data=lambda world: {"action": "close"},
        ),
    ],
    "monitoring:survey_qr": [
        Case(
            expect(allow={"city_admin"}, otherwise=FORBIDDEN),
            kwargs=lambda world: {
                "survey_id": world.monitoring_survey.pk,
                "invitation_id": world.monitoring_invitation.pk,
            },
        ),
    ],
    # The link's secret token is the credential: anyone holding it answers; a guessed token is a 404.
    "monitoring:survey_answer": [
        Case({person: ALLOW for person in EVERYONE}, kwargs=lambda world: {"token": "matrix-token-gz"}),
        Case(
            {person: NOT_FOUND for person in EVERYONE},
            label="guessed",
            kwargs=lambda world: {"token": "matrix-token-lz"},
        ),
    ],
    "GET /api/v1/monitoring/indicators": [Case(api_expect(allow=VIEWERS, otherwise=FORBIDDEN))],
    "GET /api/v1/monitoring/index": [
        Case(api_expect(allow=VIEWERS, otherwise=FORBIDDEN), query=f"?region=620702&period={PERIOD}")
    ],
}

"""The closed loop through its services: each step's state, timestamps, events, audit; denials change nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from yingshang.appeals import services
from yingshang.appeals.models import Appeal, AppealCategory, AppealEvent, AppealLink, Rating
from yingshang.appeals.services import Upload
from yingshang.core.errors import BusinessRuleError, ConflictError, InvalidUpload
from yingshang.core.models import AuditEvent, Department, Notification
from yingshang.core.workcalendar import SHANGHAI

from .conftest import NOW


def at(text):
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def actions(appeal):
    return list(AppealEvent.objects.filter(appeal=appeal).values_list("action", "from_status", "to_status"))


def test_filing_records_channel_suggestion_event_and_audit(
    cast, make_appeal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = make_appeal()
    assert appeal.status == "received" and appeal.channel == "enterprise_web"
    assert appeal.tracking_number.startswith("SQ20251126") and len(appeal.tracking_number) == 18
    assert appeal.region.code == "620702" and appeal.submitted_by == cast.gz_owner
    assert appeal.suggested_category.code == "009" and appeal.suggestion_source.startswith("keyword:")
    # 供电 is a city function in Zhangye's catalogue: no county power company, so the city's is suggested.
    assert appeal.suggested_department.function_key == "power"
    assert actions(appeal) == [("receive", "", "received")]
    assert (
        AuditEvent.objects.filter(
            object_type="appeals.appeal", object_id=str(appeal.pk), action="appeal.receive"
        ).count()
        == 1
    )
    assert Notification.objects.filter(recipient=cast.gz_owner, title__startswith="诉求已受理").count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"text": "太短"}, "description", "诉求内容不能为空，至少 10 个字。"),
        ({"text": "长" * 4001}, "description", "诉求内容过长（4001 字），不超过 4000 字。"),
        ({"contact_phone": "abc"}, "contact_phone", "联系电话格式不正确。"),
        ({"urgency": "panic"}, "urgency", "紧急程度取值无效。"),
        ({"latitude": "91"}, "lat", "纬度超出范围（-90 到 90）。"),
    ],
)
def test_bad_input_is_refused_with_a_named_field_and_nothing_saved(cast, make_appeal, kwargs, field, message):
    extra = dict(kwargs)
    text = extra.pop("text", "新厂房申请用电报装一个多月，供电公司一直没有接电。")
    if "contact_phone" in extra:
        with pytest.raises(BusinessRuleError) as info:
            services.file_appeal(
                by=cast.gz_owner,
                channel="enterprise_web",
                now=NOW,
                description=text,
                category=AppealCategory.objects.get(code="009"),
                **extra,
            )
    else:
        with pytest.raises(BusinessRuleError) as info:
            make_appeal(text=text, **extra)
    assert (info.value.field, info.value.message) == (field, message)
    assert Appeal.objects.count() == 0 and AppealEvent.objects.count() == 0


def test_enterprise_user_cannot_file_for_another_enterprise(cast, make_appeal):
    with pytest.raises(BusinessRuleError) as info:
        make_appeal(by=cast.gz_owner, enterprise="lz")
    assert info.value.code == "forged_enterprise" and Appeal.objects.count() == 0


def test_attachment_lying_about_its_type_saves_nothing(cast, make_appeal):
    with pytest.raises(InvalidUpload) as info:
        make_appeal(attachments=[Upload("合同.pdf", b"%PDF-1.4 ok"), Upload("照片.jpg", b"MZ\x90\x00fake")])
    assert info.value.message == "附件“照片.jpg”的内容不是允许的类型（只接受 PDF、PNG、JPG、DOCX、XLSX）。"
    assert Appeal.objects.count() == 0


def test_attachments_are_stored_with_sniffed_type(cast, make_appeal):
    appeal = make_appeal(attachments=[Upload("合同.pdf", b"%PDF-1.4 ok")])
    attachment = appeal.attachments.get()
    assert (attachment.content_type, attachment.size, attachment.purpose) == ("application/pdf", 11, "appeal")


def test_double_submission_with_the_same_client_key_returns_the_first(cast, make_appeal):
    first = make_appeal(client_key="form-123")
    second = make_appeal(client_key="form-123")
    assert second.pk == first.pk and Appeal.objects.count() == 1


def test_full_loop_dispatch_sign_contact_reply_rate_archive(cast, dispatched, market_gz):
    appeal = dispatched
    assert (appeal.status, appeal.handling_department, appeal.dispatched_at) == ("dispatched", market_gz, NOW)
    # help (求助) default rule: 2 h to sign, 8 h to contact, 5 working days to reply
    assert (appeal.sign_due_at, appeal.contact_due_at, appeal.due_at) == (
        at("2025-11-26 12:00"),
        at("2025-11-27 10:00"),
        at("2025-12-03 10:00"),
    )
    assert appeal.next_escalation_at == at("2025-12-02 10:00")
    appeal = services.sign_appeal(appeal, by=cast.gz_staff, now=at("2025-11-26 11:00"))
    appeal = services.contact_requester(
        appeal, note="已电话联系王经理，约定明天上门指导", by=cast.gz_staff, now=at("2025-11-26 15:00")
    )
    appeal = services.reply_appeal(
        appeal,
        text="已协助企业完成人脸识别并办结变更登记，营业执照已换发。",
        by=cast.gz_staff,
        now=at("2025-11-28 10:00"),
    )
    assert (appeal.signed_in_time, appeal.contacted_in_time, appeal.replied_in_time) == (True, True, True)
    appeal = services.rate_appeal(
        appeal, level=5, resolution="resolved", by=cast.gz_owner, now=at("2025-11-28 16:00")
    )
    assert (appeal.status, appeal.rating_level, appeal.closed_at) == ("closed", 5, at("2025-11-28 16:00"))
    appeal = services.archive_appeal(
        appeal, evidence="企业确认已解决，评价非常满意", by=cast.gz_admin, now=at("2025-11-28 17:00")
    )
    assert appeal.status == "archived" and appeal.archived_by == cast.gz_admin
    assert [a for a, _, _ in actions(appeal)] == [
        "receive",
        "dispatch",
        "sign",
        "contact",
        "reply",
        "rate",
        "archive",
    ]


@pytest.mark.parametrize("person", ["city_staff", "lz_staff", "gz_owner", "officer", "inspector", "leader"])
def test_only_the_handling_department_may_sign(cast, dispatched, person):
    with pytest.raises(PermissionDenied):
        services.sign_appeal(dispatched, by=cast[person], now=NOW)
    dispatched.refresh_from_db()
    assert dispatched.status == "dispatched" and dispatched.signed_at is None


def test_state_change_not_allowed_is_a_409_and_changes_nothing(cast, dispatched):
    with pytest.raises(ConflictError) as info:
        services.reply_appeal(
            dispatched, text="直接答复，不签收不联系，这样不行。", by=cast.gz_staff, now=NOW
        )
    assert info.value.status == 409
    assert info.value.message == "当前状态为“已派单（待签收）”，不能执行“答复”。"
    dispatched.refresh_from_db()
    assert dispatched.status == "dispatched" and dispatched.reply_text == ""


def test_dispute_within_window_then_redispatch_restarts_the_clock(cast, dispatched):
    appeal = services.dispute_appeal(
        dispatched, reason="该事项属于税务部门职责", by=cast.gz_staff, now=at("2025-11-26 11:00")
    )
    assert (appeal.status, appeal.dispute_count) == ("disputed", 1)
    tax = Department.objects.get(function_key="tax", region__code="620702")
    appeal = services.redispatch_appeal(
        appeal, department=tax, by=cast.operator, now=at("2025-11-26 14:00"), note="按退单理由改派税务局"
    )
    assert (appeal.status, appeal.handling_department, appeal.redispatch_count) == ("dispatched", tax, 1)
    assert appeal.sign_due_at == at("2025-11-26 16:00")


def test_dispute_after_the_window_is_refused(cast, dispatched):
    with pytest.raises(BusinessRuleError) as info:
        services.dispute_appeal(
            dispatched, reason="不属于本单位职责", by=cast.gz_staff, now=at("2025-11-27 10:00")
        )
    assert info.value.code == "dispute_window_passed"


def test_pause_and_resume_move_the_deadline(cast, dispatched):
    appeal = services.sign_appeal(dispatched, by=cast.gz_staff, now=NOW)
    appeal = services.contact_requester(appeal, note="已电话联系企业", by=cast.gz_staff, now=NOW)
    appeal = services.pause_appeal(
        appeal, reason="等待企业补充股东会决议", by=cast.gz_staff, now=at("2025-11-27 10:00")
    )
    appeal = services.resume_appeal(appeal, by=cast.gz_staff, now=at("2025-11-28 10:00"))
    assert (appeal.due_at, appeal.paused_seconds) == (at("2025-12-04 10:00"), 8 * 3600)


def test_extension_request_and_approval_by_the_department_leader(cast, dispatched):
    appeal = services.sign_appeal(dispatched, by=cast.gz_staff, now=NOW)
    request = services.request_extension(
        appeal, days=5, reason="需要上级部门出具意见", by=cast.gz_staff, now=at("2025-12-01 10:00")
    )
    with pytest.raises(PermissionDenied):
        services.decide_extension(request, approve=True, by=cast.gz_staff, now=at("2025-12-01 11:00"))
    appeal = services.decide_extension(request, approve=True, by=cast.city_admin, now=at("2025-12-01 11:00"))
    assert (appeal.due_at, appeal.extension_days, appeal.extension_count) == (at("2025-12-10 10:00"), 5, 1)
    with pytest.raises(BusinessRuleError) as info:
        services.request_extension(
            appeal, days=1, reason="还需要时间", by=cast.gz_staff, now=at("2025-12-02 10:00")
        )
    assert info.value.message == "每件诉求最多延期 1 次。"


def _replied(cast, appeal):
    appeal = services.sign_appeal(appeal, by=cast.gz_staff, now=NOW)
    appeal = services.contact_requester(appeal, note="已电话联系企业", by=cast.gz_staff, now=NOW)
    return services.reply_appeal(
        appeal, text="已答复：请通过线下窗口办理变更登记。", by=cast.gz_staff, now=at("2025-11-27 10:00")
    )


def test_unresolved_rating_caused_by_unit_reopens(cast, dispatched):
    appeal = services.rate_appeal(
        _replied(cast, dispatched),
        level=2,
        resolution="unresolved",
        caused_by_unit=True,
        by=cast.gz_owner,
        now=at("2025-11-27 15:00"),
    )
    assert (appeal.status, appeal.reopen_count, appeal.replied_at) == ("handling", 1, None)
    assert appeal.due_at == at("2025-12-04 15:00")
    assert [a for a, _, _ in actions(appeal)][-2:] == ["rate", "reopen"]


def test_dissatisfaction_not_caused_by_unit_closes(cast, dispatched):
    appeal = services.rate_appeal(
        _replied(cast, dispatched),
        level=2,
        resolution="unresolved",
        caused_by_unit=False,
        by=cast.gz_owner,
        now=at("2025-11-27 15:00"),
    )
    assert appeal.status == "closed"


def test_revisit_must_be_independent_of_the_unit(cast, dispatched):
    appeal = _replied(cast, dispatched)
    with pytest.raises(PermissionDenied):
        services.revisit_appeal(
            appeal,
            channel="phone",
            reached=True,
            level=4,
            resolution="resolved",
            by=cast.gz_staff,
            now=at("2025-11-28 10:00"),
        )
    appeal = services.revisit_appeal(
        appeal,
        channel="phone",
        reached=True,
        level=4,
        resolution="resolved",
        by=cast.operator,
        now=at("2025-11-28 10:00"),
    )
    assert (appeal.status, appeal.revisited, appeal.rating_level) == ("closed", True, 4)
    assert Rating.objects.get(appeal=appeal).source == "revisit"


def test_rating_by_someone_else_is_refused(cast, dispatched):
    appeal = _replied(cast, dispatched)
    for person in ("lz_owner", "stranger", "gz_staff"):
        with pytest.raises(PermissionDenied):
            services.rate_appeal(appeal, level=5, resolution="resolved", by=cast[person], now=NOW)
    assert Rating.objects.count() == 0


def test_archive_needs_evidence_and_a_sign_off(cast, dispatched):
    appeal = services.rate_appeal(
        _replied(cast, dispatched),
        level=4,
        resolution="resolved",
        by=cast.gz_owner,
        now=at("2025-11-28 10:00"),
    )
    with pytest.raises(PermissionDenied):
        services.archive_appeal(appeal, evidence="企业确认已解决", by=cast.gz_staff, now=NOW)
    with pytest.raises(BusinessRuleError) as info:
        services.archive_appeal(appeal, evidence="好", by=cast.gz_admin, now=NOW)
    assert info.value.message == "销号依据不能为空，至少 6 个字。"


def test_refusal_and_merge(cast, make_appeal):
    first = make_appeal()
    refused = make_appeal(text="我们与合作方的买卖合同纠纷已经起诉到法院，请政府出面让法院判我们赢。")
    refused = services.refuse_appeal(
        refused, kind="litigation", reason="属于诉讼事项，请依法通过诉讼渠道解决", by=cast.operator, now=NOW
    )
    assert (refused.status, refused.refusal_kind) == ("refused", "litigation")
    duplicate = make_appeal(text="新厂房申请用电报装一个多月了，供电公司还是没有接电，影响投产。")
    duplicate = services.merge_appeal(duplicate, into=first, by=cast.operator, now=NOW)
    assert duplicate.status == "merged" and duplicate.duplicate_of == first
    assert set(AppealLink.objects.values_list("appeal", "other", "kind")) == {
        (duplicate.pk, first.pk, "primary"),
        (first.pk, duplicate.pk, "duplicate"),
    }


def test_county_admin_cannot_dispatch_another_countys_appeal(cast, make_appeal, market_gz):
    appeal = make_appeal()
    with pytest.raises(PermissionDenied):
        services.dispatch_appeal(appeal, department=market_gz, by=cast.lz_admin, now=NOW)
    appeal.refresh_from_db()
    assert appeal.status == "received"


def test_visit_files_one_appeal_per_problem(cast, catalogue):
    items = [
        services.VisitItem(AppealCategory.objects.get(code="009"), "园区供水压力不足，生产线无法正常运转。"),
        services.VisitItem(AppealCategory.objects.get(code="005"), "季节性用工缺口大，希望组织劳务对接。"),
    ]
    visit = services.record_visit(
        by=cast.officer,
        kind="experience",
        title="体验官走进经开区",
        items=items,
        visited_on=NOW.date(),
        now=NOW,
        region=cast.gz_enterprise.region,
    )
    appeals = list(visit.appeals.order_by("id"))
    assert [(a.channel, a.recorded_by, a.category.code) for a in appeals] == [
        ("experience_officer", cast.officer, "009"),
        ("experience_officer", cast.officer, "005"),
    ]


def test_visit_with_a_bad_item_saves_nothing(cast, catalogue):
    items = [
        services.VisitItem(AppealCategory.objects.get(code="009"), "园区供水压力不足，生产线无法正常运转。"),
        services.VisitItem(AppealCategory.objects.get(code="005"), "短"),
    ]
    with pytest.raises(BusinessRuleError) as info:
        services.record_visit(
            by=cast.officer,
            kind="experience",
            title="体验官活动",
            items=items,
            visited_on=NOW.date(),
            now=NOW,
        )
    assert info.value.message == "第 2 个问题：诉求内容不能为空，至少 10 个字。"
    assert Appeal.objects.count() == 0

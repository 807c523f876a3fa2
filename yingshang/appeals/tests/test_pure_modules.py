"""Pure modules: masking, attachment sniffing, the classifier, metric formulas, hot-topic helpers."""

import datetime as dt
import io
import zipfile

import pytest

from yingshang.appeals import classifier, masking, metrics, topics, uploads


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0936-8212345", "093****2345"),
        ("12345", "***45"),
        ("110", "***"),
        ("", ""),
    ],
)
def test_mask_phone(phone, masked):
    assert masking.mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("欧阳娜娜", "欧***"), ("王", "王*"), ("", "")]
)
def test_mask_name(name, masked):
    assert masking.mask_name(name) == masked


def _zip(names):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("a.pdf", b"%PDF-1.7 ...", "pdf"),
        ("a.png", b"\x89PNG\r\n\x1a\n....", "png"),
        ("a.JPG", b"\xff\xd8\xff\xe0....", "jpeg"),
        ("a.docx", _zip(["word/document.xml"]), "docx"),
        ("a.xlsx", _zip(["xl/workbook.xml"]), "xlsx"),
    ],
)
def test_accepted_attachments(name, data, kind):
    assert uploads.check_attachment(name=name, data=data).kind == kind


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.pdf", b"", "附件“a.pdf”是空文件。"),
        ("a.pdf", b"MZ\x90\x00", "附件“a.pdf”的内容不是允许的类型（只接受 PDF、PNG、JPG、DOCX、XLSX）。"),
        ("photo.png", b"%PDF-1.4", "附件“photo.png”的扩展名与实际内容（PDF）不符。"),
        (
            "a.docx",
            _zip(["other.txt"]),
            "附件“a.docx”的内容不是允许的类型（只接受 PDF、PNG、JPG、DOCX、XLSX）。",
        ),
        (
            "big.pdf",
            b"%PDF-" + b"0" * (10 * 1024 * 1024),
            "附件“big.pdf”过大（10.0 MB），单个附件不超过 10 MB。",
        ),
    ],
)
def test_rejected_attachments(name, data, message):
    with pytest.raises(ValueError) as info:
        uploads.check_attachment(name=name, data=data)
    assert str(info.value) == message


RULES = [("004", ["发票", "退税"]), ("009", ["报装", "停电"]), ("006", ["拖欠", "工程款"])]


def test_keyword_rule_picks_the_category_with_most_hits():
    found = classifier.keyword_suggest("工程款被拖欠一年", RULES)
    assert (found.category_code, found.source, found.evidence) == ("006", "keyword", "拖欠、工程款")


def test_keyword_tie_defers_to_the_model():
    assert classifier.keyword_suggest("发票和报装都有问题", RULES) is None


def test_model_suggests_when_no_keyword_matches():
    model = classifier.TextClassifier().fit(
        ["增值税专用发票开不出来", "留抵退税很慢", "新厂房接电很慢", "变压器容量不够"],
        ["004", "004", "009", "009"],
    )
    found = classifier.suggest("税务局的专票额度不够用", [("004", []), ("009", [])], model=model)
    assert (found.category_code, found.source) == ("004", "model")


def test_training_file_is_marked_synthetic_and_covers_every_category():
    from yingshang.appeals.catalogue import CATEGORIES

    assert "SYNTHETIC TRAINING DATA" in classifier.TRAINING_FILE.read_text(encoding="utf-8").splitlines()[0]
    labels = {code for _, code in classifier.load_training()}
    assert labels == {c.code for c in CATEGORIES}


def test_rates_follow_the_published_formulas():
    counts = metrics.Counts(
        received=110,
        refused=6,
        merged=4,
        dispatched=100,
        signed_in_time=95,
        contacted_in_time=90,
        replied=98,
        replied_in_time=92,
        overdue_open=2,
        finished=80,
        rated=80,
        resolved=60,
        partly_resolved=10,
        very_satisfied=40,
        satisfied=30,
        basically_satisfied=5,
        revisited=20,
        reopened=3,
        disputed=5,
        redispatched=4,
        contact_asked=50,
        contact_confirmed=47,
    )
    assert metrics.rates(counts) == {
        "response_rate": 0.9,
        "response_rate_revisit": 0.94,
        "resolution_rate": 65 / 80,
        "satisfaction_rate": 75 / 80,
        "handling_rate": 0.98,
        "timely_sign_rate": 0.95,
        "on_time_rate": 0.92,
        "revisit_rate": 0.25,
        "repeat_rate": 7 / 110,
        "dispute_rate": 0.05,
        "redispatch_rate": 0.04,
    }
    assert metrics.meets_target("handling_rate", 0.98) is False
    assert metrics.meets_target("satisfaction_rate", 0.995) is True
    assert metrics.meets_target("response_rate", 0.5) is None


def test_empty_denominators_give_none_not_zero():
    assert set(metrics.rates(metrics.Counts()).values()) == {None}


def test_satisfaction_gap_flag():
    gamed = metrics.Counts(rated=20, resolved=6, very_satisfied=19, satisfied=1)
    assert (
        metrics.satisfaction_gap_flag(gamed)
        == "满意率（100%）比解决率（30%）高出 70%，评价可能与实际办理结果不符"
    )
    assert metrics.satisfaction_gap_flag(metrics.Counts(rated=20, resolved=18, satisfied=20)) == ""


def test_rating_burst_finds_ten_ratings_within_ten_minutes():
    base = dt.datetime(2025, 11, 3, 9, 0, tzinfo=dt.UTC)
    spread = [base + dt.timedelta(hours=i) for i in range(12)]
    burst = [base + dt.timedelta(minutes=i) for i in range(11)]
    assert metrics.rating_burst(spread) is None
    assert metrics.rating_burst(spread + burst) == (12, base)  # base itself is in both lists


def test_concentrated_exclusions():
    assert metrics.concentrated_exclusions({"甘州区": 8, "临泽县": 1, "高台县": 1}) == (
        "甘州区 的剔除件数（8 件）占全部剔除的 80%，请核查剔除理由"
    )
    assert metrics.concentrated_exclusions({"甘州区": 3, "临泽县": 3}) == ""
    assert metrics.concentrated_exclusions({"甘州区": 2, "临泽县": 0}) == ""


def test_similarity_and_keywords():
    assert topics.similarity("新厂房用电报装一个月还没接电", "新厂房用电报装一个多月还没接电") == 0.8
    assert topics.similarity("新厂房用电报装", "发票开不出来") == 0.0
    words = dict(topics.top_keywords(["厂房接电太慢", "厂房接电要等一个月", "发票开不出来"], k=5))
    assert words["厂房"] == 2 and words["接电"] == 2


def test_monthly_topic_candidates_rank_clusters_by_enterprises():
    items = [(f"SQ{i}", "水电气热报装", "厂房接电太慢影响投产", i, "甘州区") for i in range(4)]
    items += [(f"SQ9{i}", "税费服务", "退税太慢", 1, "临泽县") for i in range(3)]
    found = topics.monthly_topic_candidates(items)
    assert [(c.category, c.count, c.enterprises) for c in found] == [
        ("水电气热报装", 4, 4),
        ("税费服务", 3, 1),
    ]
    assert found[0].examples == ("SQ0", "SQ1", "SQ2", "SQ3")

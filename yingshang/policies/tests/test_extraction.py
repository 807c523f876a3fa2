"""Policy clause splitting and extraction (政策一键解读), on clauses from real published documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from yingshang.policies import vocab
from yingshang.policies.extraction import extract_clause, split_clauses

DATA_PATH = Path(__file__).parent / "data" / "labelled_clauses.jsonl"

# Real clauses (柳河县《关于支持重点产业加快发展的实施意见》2023, 柳河县旅游业意见, 甘州区文旅政策).
CLAUSE_UPGRADE = (
    "（九）企业升规奖励补助。对新增并纳入统计范围的规模以上工业企业，一次性给予5万元奖励；"
    "年上缴税金地方经济贡献额达到30万元以上，一次性给予10万元奖励；年上缴税金地方经济贡献额达到50万元以上，"
    "一次性给予20万元奖励。"
)
CLAUSE_OUTPUT = (
    "第 1 1 条  鼓励企业产值稳步增长。对规上工业企业年产 值同比增长超过1000万元的，给予企业超出额0.5%的奖励，"
    "奖励最高不超过20万元。"
)
CLAUSE_INNOVATION = (
    "第 9 条 鼓励企业科技创新。对初次认定为国家级和省 级企业技术(研发)中心的，分别给予企业100万元和30 万元奖励；"
    "对初次认定为国家高新技术企业的，给予企业20 万元奖励；对在重点行业(领域)完成成果转化并且单品种 销售收入超过"
    "2000万元的，给予企业20万元奖励。新列入 国家级和省级“专精特新”中小企业，分别给予企业30万元和10万元奖励。"
)
CLAUSE_GUARANTEE = (
    "（十一）强化金融支持。做大“助保金池”融资担保规模，在建立“助保金池”基础上，采取县财政逐年增加列支和争取省风险"
    "补偿铺底资金支持方式，用3年时间，使县级“助保金池”风险补偿铺底资金达到1千万以上，为中小微企业提供1亿元以上的增信"
    "担保，有效缓解中小微企业融资难、融资贵问题。"
)
CLAUSE_EXHIBITION = (
    "2.会展宣传推广奖励。对文化旅游企业自主赴境内外三线以上城市参加省级以上政府或行业组织举办的各类文化旅游交易会、"
    "展销会、博览会、宣传推广会、招商引资会、旅游商品大赛的(不包括统一参展活动),给予展位费 30%的补助,单个企业每年"
    "补助上限不高于 3 万元。"
)


def test_upgrade_award_takes_the_largest_benefit_not_the_thresholds() -> None:
    result = extract_clause(CLAUSE_UPGRADE).to_json_dict()

    assert result["support_types"] == ["一次性奖励"]
    assert result["amount_max_yuan"] == 200_000
    assert result["ratio"] is None
    assert result["eligibility"]["qualifications"] == ["规上企业"]
    assert result["eligibility"]["industries"] == ["制造业"]
    assert result["eligibility"]["other"] == ["地方经济贡献额≥30万元", "地方经济贡献额≥50万元"]
    assert result["topic"] == "产业发展"


def test_output_growth_award_reads_ratio_cap_and_threshold_through_pdf_spaces() -> None:
    result = extract_clause(CLAUSE_OUTPUT).to_json_dict()

    assert result["amount_max_yuan"] == 200_000
    assert result["ratio"] == pytest.approx(0.005)
    assert result["eligibility"]["other"] == ["产值≥1000万元"]
    start, end = result["spans"]["amount_max_yuan"][0]
    assert CLAUSE_OUTPUT[start:end] == "20万元"


def test_innovation_clause_normalises_qualification_synonyms() -> None:
    result = extract_clause(CLAUSE_INNOVATION).to_json_dict()

    assert result["eligibility"]["qualifications"] == ["企业技术中心", "高新技术企业", "专精特新中小企业"]
    assert result["eligibility"]["scale"] == []  # 中小企业 inside a qualification name is not a scale limit
    assert "首次认定" in result["eligibility"]["other"]
    assert result["amount_max_yuan"] == 1_000_000
    assert result["topic"] == "科技创新"


def test_guarantee_pool_is_no_benefit_amount_and_names_the_scale() -> None:
    result = extract_clause(CLAUSE_GUARANTEE).to_json_dict()

    assert "融资担保" in result["support_types"]
    assert result["amount_max_yuan"] is None
    assert result["eligibility"]["scale"] == ["中型", "小型", "微型"]
    assert result["topic"] == "金融信贷"


def test_cap_written_as_not_higher_than() -> None:
    result = extract_clause(CLAUSE_EXHIBITION).to_json_dict()

    assert result["support_types"] == ["补贴"]
    assert result["amount_max_yuan"] == 30_000
    assert result["ratio"] == pytest.approx(0.3)
    assert result["eligibility"]["industries"] == ["文化旅游"]
    assert result["topic"] == "文旅"


def test_region_names_are_found() -> None:
    text = "对吸纳大连市对口帮扶地区（贵州省六盘水市）建档立卡贫困劳动力就业的我市企业，给予岗位补贴。"

    result = extract_clause(text).to_json_dict()

    assert result["eligibility"]["regions"] == ["大连市", "贵州省", "六盘水市"]


def test_industries_inside_an_exclusion_are_ignored() -> None:
    text = "对现代服务业类项目(不含房地产住宅类项目)固定资产投资3000万元及以上的，按固定资产投资的5%—20%给予企业奖励。"

    result = extract_clause(text).to_json_dict()

    assert result["eligibility"]["industries"] == ["服务业"]


def test_json_dict_has_exactly_the_agreed_keys_and_valid_spans() -> None:
    result = extract_clause(CLAUSE_INNOVATION).to_json_dict()

    assert set(result) == {
        "text",
        "support_types",
        "amount_max_yuan",
        "ratio",
        "eligibility",
        "topic",
        "conditions",
        "spans",
        "confidence",
    }
    assert set(result["eligibility"]) == {"qualifications", "industries", "scale", "regions", "other"}
    assert set(result["spans"]) == set(result["confidence"])
    for spans in result["spans"].values():
        for start, end in spans:
            assert 0 <= start < end <= len(CLAUSE_INNOVATION)
    assert all(0.0 <= value <= 1.0 for value in result["confidence"].values())
    for condition in result["conditions"]:
        start, end = condition["span"]
        assert 0 <= start < end <= len(CLAUSE_INNOVATION)
    json.dumps(result, ensure_ascii=False)


# A document laid out as DOCX/PDF readers return it: a 发文字号 line, title, addressee, preamble, headings,
# numbered clauses, closing boilerplate, 抄送 and 附件. Clause bodies are from 柳河县's published opinions.
DOCUMENT = """柳政发〔2023〕1号
关于支持重点产业加快发展的实施意见
各乡镇人民政府，县政府各部门：
    为抢抓国家新一轮东北振兴战略机遇，制定如下实施意见。
一、支持范围
（一）固定资产投资奖励
第 2 条  对重点产业新上的工业类项目,  固定资产投资1000万元及以上且亩均投资强度不低于200
万元的，按固定资产投资的5%—20%给予企业奖励，专项用于企业研发、生产及基础设施建设。
对现代服务业类项目固定资产投资3000万元及以上的，按固定资产投资的5%—20%给予企业奖励。
（二）绩效奖励
第 4 条 对重点产业新建项目，参照其年度地方财政贡献给予企业连续5年奖励，每年最高奖励不超过5000万元。
二、旅游服务设施建设
3.酒店建设。
在柳河新建的三星级、四星级、五星级，属于地方留用的土地价款，三星级按60%奖励返还，五星级按100%奖励返还。
第 2 0 条 成立柳河县重点产业工作领导小组，统筹、协调、全力推进重点产业发展。
第 2 5 条 本政策涉及同一内容的奖励，如与其他政策文件规定不一致的，按就高不重复原则办理。
抄送：县委办公室，县人大常委会办公室。
附件：1.重点产业目录
"""


def test_split_clauses_keeps_measures_and_drops_headers_and_boilerplate() -> None:
    clauses = split_clauses(DOCUMENT)

    assert [clause.number for clause in clauses] == ["第2条", None, "第4条", "3."]
    assert clauses[0].section == "（一）固定资产投资奖励"
    assert clauses[0].text.startswith("第 2 条")
    assert "200\n万元" in clauses[0].text  # a PDF line break inside a sentence is joined
    assert clauses[1].text.startswith("对现代服务业类项目")
    assert clauses[3].text.startswith("3.酒店建设。\n在柳河新建")
    for clause in clauses:
        assert DOCUMENT[clause.start : clause.end] == clause.text


def test_split_clauses_splits_numbered_items_on_one_line() -> None:
    text = "（五）引摄入甘奖励。1.在甘州区取景拍摄奖励。对影视作品给予每分钟1000元奖励。2.会展宣传推广奖励。给予展位费30%的补助。"

    clauses = split_clauses(text)

    assert [clause.number for clause in clauses] == ["1.", "2."]


def _labelled_rows() -> list[dict]:
    return [json.loads(line) for line in DATA_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_labelled_set_has_at_least_60_sourced_rows_with_vocabulary_labels() -> None:
    rows = _labelled_rows()

    assert len(rows) >= 60
    assert len({row["text"] for row in rows}) == len(rows)
    for row in rows:
        assert row["source_url"].startswith("http"), row["id"]
        assert row["source_title"], row["id"]
        assert set(row["support_types"]) <= set(vocab.SUPPORT_TYPES), row["id"]
        assert set(row["qualifications"]) <= set(vocab.QUALIFICATION_PATTERNS), row["id"]
        assert set(row["industries"]) <= set(vocab.INDUSTRY_PATTERNS), row["id"]
        assert set(row["scale"]) <= {"大型", "中型", "小型", "微型"}, row["id"]
        assert row["topic"] in vocab.TOPICS, row["id"]
        assert row["amount_max_yuan"] is None or isinstance(row["amount_max_yuan"], int), row["id"]
        assert row["ratio"] is None or 0 < row["ratio"] <= 1, row["id"]

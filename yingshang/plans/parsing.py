"""Action-plan parser (行动方案解析): text → goals, tasks, responsibilities, targets and conflicts.

Pure module: no ORM, no clock (only `read_docx_text` touches a file). The text is one paragraph per line,
as a DOCX reader or a copy from a government web page gives it. Supported shapes:

- Numbering 一、/ 第一部分 (level 1), （一）/(一) (level 2), 1. / 1、/ 1． / 第一条 (level 3),
  （1）/(1) / 1) / ① (level 4), full- or half-width, with leading spaces and conversion artefacts
  such as ``[bookmark: _GoBack]`` removed. A task number before a title that starts with digits
  ("2.12345热线…", "3.5G网络…") counts when it continues the numbering; "2.5%以上…" in prose does not.
- Level-1 blocks are classified by their heading: 总体目标/总体要求 → goals, 攻坚重点 → key actions,
  保障措施 → safeguards, anything else → tasks. Inside a block, the task level is the shallowest
  numbering level whose items carry text of their own; shallower headings become the task's section.
- Responsibility annotations: 〔牵头单位：…；配合单位：…〕, （市XX局牵头，YY配合）, （责任单位：…）, or a
  paragraph starting with 责任单位：. When only 责任单位 is given, the first unit listed is the lead unit
  (the usual convention, stated outright by plans such as "第一责任单位为牵头单位").

Task numbers: "1" … for numbered tasks (the level-1 number is prefixed, "2.3", only when task numbering
restarts inside the plan), "攻坚1" … for key actions and "保障1" … for safeguards.
Output text (titles, measures, goals, target text) is the normalised text: half-width digits, letters
and %, Chinese punctuation full-width.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from docx import Document

from yingshang.plans.targets import Conflict, Target, extract_targets, find_conflicts


class PlanParseError(ValueError):
    """The text is not an action plan this parser can read."""


class TaskKind(StrEnum):
    TASK = "task"
    KEY_ACTION = "key_action"
    SAFEGUARD = "safeguard"


@dataclass(frozen=True)
class PlanTask:
    """One numbered item of a plan: a task (任务), key action (攻坚重点) or safeguard (保障措施)."""

    number: str
    title: str
    section: str
    measures: tuple[str, ...]
    lead_units: tuple[str, ...]
    co_units: tuple[str, ...]
    kind: TaskKind
    # Per measure (same order as `measures`): (lead units, co units) named for that measure alone, or ((), ())
    # when the measure has no annotation of its own and inherits the task's units.
    measure_units: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()
    # The 时限 column of a task table ("2025年6月底前"), read by `tables.parse_deadline`; "" for prose plans.
    deadline_text: str = ""

    def to_json_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "title": self.title,
            "section": self.section,
            "measures": list(self.measures),
            "lead_units": list(self.lead_units),
            "co_units": list(self.co_units),
            "kind": str(self.kind),
        }


@dataclass(frozen=True)
class ParsedPlan:
    """Everything the parser read from one plan."""

    title: str
    goals: tuple[str, ...]
    tasks: tuple[PlanTask, ...]
    targets: tuple[Target, ...]
    conflicts: tuple[Conflict, ...]

    def to_json_dict(self) -> dict[str, object]:
        return {
            "title": self.title,
            "goals": list(self.goals),
            "tasks": [task.to_json_dict() for task in self.tasks],
            "targets": [target.to_json_dict() for target in self.targets],
            "conflicts": [conflict.to_json_dict() for conflict in self.conflicts],
        }


# -- tables -------------------------------------------------------------------------------------------

# Conversion debris from DOCX/HTML exports, removed before anything else.
ARTEFACT_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\[bookmark:[^\]]*\]", re.IGNORECASE),
    re.compile(r"\[(?:footnote|endnote|comment)Ref:[^\]]*\]", re.IGNORECASE),
    re.compile(r"\{\s*(?:PAGE|NUMPAGES|TOC)[^}]*\}"),
    re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]"),
)
# NFKC would turn these into plain digits or dots and lose their meaning.
NFKC_EXEMPT = frozenset("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳…")
# After NFKC, ASCII punctuation between Chinese text goes back to its Chinese form.
CHINESE_PUNCTUATION = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}

_CN = "一二三四五六七八九十"
HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^(?P<numeral>[{_CN}]+)\s*[、.]\s*")),
    (1, re.compile(rf"^第(?P<numeral>[{_CN}]+)(?:部分|章)\s*")),
    (2, re.compile(rf"^（(?P<numeral>[{_CN}]+)）\s*[、.]?\s*")),
    (3, re.compile(r"^(?P<numeral>\d{1,3})\s*(?:、|\.(?!\d))\s*")),
    (3, re.compile(rf"^第(?P<numeral>[{_CN}百]+)条\s*")),
    (4, re.compile(r"^（(?P<numeral>\d{1,3})）\s*")),
    (4, re.compile(r"^(?P<numeral>\d{1,3})）\s*")),
    (4, re.compile(r"^(?P<numeral>[①-⑳])\s*")),
)
# "2.12345政务服务便民热线…", "3.5G网络…": a task number whose title starts with a digit. Read as a heading
# only in sequence (see `_number_initial_headings`) and never before a unit ("2.5%", "1.2万人次").
_NUMBER_INITIAL_HEADING_RE = re.compile(r"^(?P<numeral>\d{1,3})\s*\.(?=\d+(?![\d.%‰万亿倍]))")
_INLINE_SUB_NUMBER_RE = re.compile(r"^(?:（\d{1,3}）|[①-⑳]|\d{1,3}）)\s*")

# Level-1 heading keywords → block kind; unmatched headings hold tasks.
BLOCK_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("goals", re.compile(r"总体目标|工作目标|主要目标|发展目标|目标任务|总体要求|指导思想")),
    ("key_action", re.compile(r"攻坚重点|攻坚行动|重点攻坚|攻坚任务")),
    ("safeguard", re.compile(r"保障措施|组织保障|工作保障|保障机制|工作要求|组织实施")),
    ("ignore", re.compile(r"实施步骤|进度安排|时间安排|工作步骤|附件")),
)
NUMBER_PREFIX = {TaskKind.TASK: "", TaskKind.KEY_ACTION: "攻坚", TaskKind.SAFEGUARD: "保障"}

# Responsibility labels → role. "responsible" (责任单位) means co-units when a lead is named,
# otherwise its first unit is the lead.
RESPONSIBILITY_LABELS: tuple[tuple[str, str], ...] = (
    ("lead", "牵头单位|牵头部门|主责单位|主办单位"),
    ("co", "配合单位|配合部门|协办单位|参与单位|协同单位"),
    ("responsible", "责任单位|责任部门|实施单位"),
    ("ignore", "完成时限|完成时间|时间节点|时限要求|进度安排"),
)
_LABEL_RE = re.compile("(?P<label>" + "|".join(words for _, words in RESPONSIBILITY_LABELS) + r")\s*[：:]\s*")
_LABEL_ROLE = {word: role for role, words in RESPONSIBILITY_LABELS for word in words.split("|")}
_LEAD_PHRASE_RE = re.compile(r"^(?P<lead>.+?)牵头(?:负责)?(?:[，；、](?P<rest>.*))?$")
_CO_PHRASE_SUFFIX_RE = re.compile(r"(?:按职责分工负责|按职责负责|分工负责|配合|参与|协同|协助|负责)$")
_UNIT_NOISE_RE = re.compile(r"\d+月|底前|完成|持续推进|长期坚持|下同")
_BARE_LEVEL_RE = re.compile(r"(?:县级市|市|县|区|旗|乡镇|乡|镇|街道)(?:（[^）]*）)?")
_DEPARTMENT_RE = re.compile(r"局|委|办|厅|政府|中心|院|部门|单位|公司|银行|海关|支队")

_TITLE_KEYWORDS_RE = re.compile(r"方案|计划|要点|措施|意见|清单|细则|规划|行动")
_NOTICE_RE = re.compile(r"关于印发(?P<inner>.+?)的通知")
_TITLE_DOCUMENT_NUMBER_RE = re.compile(r"（[^（）]*〔\d{4}〕\s*\d+\s*号）$")
# A title broken over two lines: the first half is short, unpunctuated and not an issuer or a date.
_TITLE_FIRST_HALF_RE = re.compile(r"^[^\s，。：；（《“”0-9]{2,30}$")
_ISSUER_OR_DATE_RE = re.compile(r"(?:办公厅|办公室|人民政府|委员会|局|委|日|号)$")
_TITLE_MAX_LENGTH = 40

_OPENERS = "（〔【[“‘《「"
_CLOSERS = "）〕】]”’》」"
_SENTENCE_ENDS = "。；！？"


# -- public functions ---------------------------------------------------------------------------------


def read_docx_text(path: str | Path) -> str:
    """The paragraphs of a .docx file, one per line."""
    return "\n".join(paragraph.text for paragraph in Document(str(path)).paragraphs)


def parse_plan(text: str) -> ParsedPlan:
    """Parse an action plan (行动方案) into goals, tasks, responsibilities, targets and conflicts.

    1. Normalise every line and drop empty ones.
    2. Read the title from the lines before the first heading.
    3. Cut the text into level-1 blocks and classify each by its heading.
    4. Read goals from goal blocks and numbered items from the others.
    5. Extract targets from goals and items, then look for conflicting targets.
    """
    lines = _number_initial_headings(
        [_Line.read(normalised) for raw in text.splitlines() if (normalised := normalise_line(raw))]
    )
    if not lines:
        raise PlanParseError("方案内容为空，无法解析。")
    first_heading = next((index for index, line in enumerate(lines) if line.level), len(lines))
    title = _title(lines[:first_heading])

    goals: list[str] = []
    drafts: list[_Draft] = []
    for block in _blocks(lines[first_heading:]):
        if block.kind == "goals":
            goals.extend(_goal_texts(block.lines))
        elif block.kind != "ignore":
            drafts.extend(_drafts(block))
    if not drafts:
        raise PlanParseError(
            "未识别到方案的任务结构（如“一、”“（一）”“1.”编号的任务条目），请确认文件是行动方案。"
        )

    tasks = _numbered_tasks(drafts)
    targets = [
        target for goal in goals for sentence in split_sentences(goal) for target in extract_targets(sentence)
    ]
    for task in tasks:
        for sentence in (task.title, *task.measures) if _has_digit(task.title) else task.measures:
            targets.extend(extract_targets(sentence, task_number=task.number))
    return ParsedPlan(
        title=title,
        goals=tuple(goals),
        tasks=tuple(tasks),
        targets=tuple(targets),
        conflicts=find_conflicts(targets),
    )


def normalise_line(line: str) -> str:
    """One line in canonical form: artefacts removed, NFKC, Chinese punctuation kept, spaces trimmed.

    1. Remove conversion artefacts such as ``[bookmark: _GoBack]``.
    2. NFKC each character (full-width digits, letters, ％ and spaces become half-width), except
       circled numbers and the ellipsis.
    3. Turn ASCII , ; : ( ) ! ? back into Chinese punctuation unless they sit between ASCII letters or
       digits (1,200 and 12:30 stay as they are).
    4. Collapse runs of whitespace and trim the ends (full-width indentation included).
    """
    for pattern in ARTEFACT_PATTERNS:
        line = pattern.sub("", line)
    line = "".join(char if char in NFKC_EXEMPT else unicodedata.normalize("NFKC", char) for char in line)
    characters = list(line)
    for index, char in enumerate(characters):
        if char in CHINESE_PUNCTUATION:
            before = characters[index - 1] if index > 0 else ""
            after = characters[index + 1] if index + 1 < len(characters) else ""
            if not (_is_ascii_alnum(before) and _is_ascii_alnum(after)):
                characters[index] = CHINESE_PUNCTUATION[char]
    return re.sub(r"\s+", " ", "".join(characters)).strip()


def split_sentences(text: str) -> list[str]:
    """Split text on 。；！？ outside brackets and quotes; drop the end marks and empty pieces."""
    sentences: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(depth - 1, 0)
        if char in _SENTENCE_ENDS and depth == 0:
            sentences.append("".join(current))
            current = []
        else:
            current.append(char)
    sentences.append("".join(current))
    return [cleaned for sentence in sentences if (cleaned := sentence.strip(" ，、,"))]


def extract_responsibility(text: str) -> tuple[str, list[str], list[str]]:
    """Remove responsibility annotations from a paragraph; return (text, lead units, co-units).

    1. A paragraph that starts with a label (责任单位：…) is an annotation as a whole.
    2. Otherwise every bracketed group （…）〔…〕【…】 that names 牵头/责任单位/配合单位 is an annotation;
       a group left open at the end of the paragraph (a truncated copy) runs to the end.
    3. Notes such as （第一责任单位为牵头单位，下同） are dropped.
    """
    leads: list[str] = []
    co_units: list[str] = []
    if _LABEL_RE.match(text):
        _read_annotation(text, leads, co_units)
        return "", leads, co_units
    kept: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char in "（〔【[":
            end = _closing_bracket(text, position)
            body = text[position + 1 : end]
            if _is_annotation(body):
                _read_annotation(body, leads, co_units)
                position = end + 1
                continue
        kept.append(char)
        position += 1
    return "".join(kept).strip(), leads, co_units


# -- lines and blocks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    text: str
    level: int | None = None
    numeral: str | None = None
    content: str = ""  # the text after the numbering

    @classmethod
    def read(cls, text: str) -> _Line:
        for level, pattern in HEADING_PATTERNS:
            match = pattern.match(text)
            if match and text[match.end() :].strip():
                return cls(
                    text=text, level=level, numeral=match.group("numeral"), content=text[match.end() :]
                )
        return cls(text=text, content=text)


def _number_initial_headings(lines: list[_Line]) -> list[_Line]:
    """Read "2.12345热线…" as task 2 when it continues the numbering; it would otherwise look like a decimal.

    1. Track the last "N." numeral and whether a shallower heading came after it.
    2. A plain line "M.<digits>…" is a level-3 heading when M is the next number, or 1 right after a
       shallower heading; anything else ("2.5%以上…" in prose) stays a paragraph.
    """
    result: list[_Line] = []
    previous = 0
    fresh_section = True
    for line in lines:
        if line.level is None:
            match = _NUMBER_INITIAL_HEADING_RE.match(line.text)
            number = int(match.group("numeral")) if match else 0
            if match and (number == previous + 1 or (number == 1 and fresh_section)):
                line = _Line(
                    text=line.text, level=3, numeral=match.group("numeral"), content=line.text[match.end() :]
                )
        if line.level == 3 and line.numeral and line.numeral.isdigit():
            previous, fresh_section = int(line.numeral), False
        elif line.level is not None and line.level < 3:
            fresh_section = True
        result.append(line)
    return result


@dataclass
class _Block:
    kind: str
    title: str
    numeral: str | None
    lines: list[_Line] = field(default_factory=list)


@dataclass
class _Draft:
    """A numbered item while it is being read, before its final number is known."""

    kind: TaskKind
    numeral: str
    parent_numeral: str | None
    section: str
    heading: str
    body: list[str] = field(default_factory=list)


def _blocks(lines: list[_Line]) -> list[_Block]:
    """Level-1 blocks; a plan without level-1 headings is one block of tasks."""
    blocks: list[_Block] = []
    for line in lines:
        if line.level == 1:
            title = _first_sentence(line.content)
            blocks.append(_Block(kind=_block_kind(title), title=title, numeral=line.numeral))
            remainder = line.content[len(title) :].strip(" 。")
            if remainder:
                blocks[-1].lines.append(_Line(text=remainder, content=remainder))
        else:
            if not blocks:
                blocks.append(_Block(kind="task", title="", numeral=None))
            blocks[-1].lines.append(line)
    return blocks


def _block_kind(title: str) -> str:
    for kind, pattern in BLOCK_KINDS:
        if pattern.search(title):
            return kind
    return "task"


def _goal_texts(lines: list[_Line]) -> list[str]:
    goals = []
    for line in lines:
        text = line.content.lstrip("—-－ ").strip()
        if text:
            goals.append(text)
    return goals


def _drafts(block: _Block) -> list[_Draft]:
    """Numbered items of one block, at the block's task level.

    1. Find the task level: the shallowest level whose items mostly carry text of their own.
    2. Walk the lines: shallower headings set the section, task-level lines open an item, and
       deeper items and plain paragraphs belong to the open item.
    """
    kind = {"key_action": TaskKind.KEY_ACTION, "safeguard": TaskKind.SAFEGUARD}.get(block.kind, TaskKind.TASK)
    task_level = _task_level(block.lines)
    if task_level is None:
        return []
    drafts: list[_Draft] = []
    section, parent_numeral = block.title, block.numeral
    current: _Draft | None = None
    for line in block.lines:
        if line.level is not None and line.level < task_level:
            section, parent_numeral = _first_sentence(line.content), line.numeral
            current = None
        elif line.level == task_level:
            current = _Draft(
                kind=kind,
                numeral=line.numeral or "",
                parent_numeral=parent_numeral,
                section=section,
                heading=line.content,
            )
            drafts.append(current)
        elif current is not None:
            current.body.append(line.text)
    return drafts


def _task_level(lines: list[_Line]) -> int | None:
    levels = sorted({line.level for line in lines if line.level is not None})
    for level in levels:
        items = [index for index, line in enumerate(lines) if line.level == level]
        owning = sum(1 for index in items if _owns_text(lines, index))
        if owning * 2 >= len(items) and not _introduces_numbered_items(lines, items):
            return level
    return levels[-1] if levels else None


def _introduces_numbered_items(lines: list[_Line], items: list[int]) -> bool:
    """Whether headings of one level only introduce the numbered items under them (they are sections).

    "（一）产业提升人才行动计划。围绕……实施如下重点项目：" followed by "2.…" "3.…": every heading ends with a
    colon, is followed by a deeper heading, and the deeper numbering runs on across the headings (2 … 8,
    9 … 15) instead of restarting under each — a task with its own "（1）（2）" sub-items restarts them.
    """
    deeper: list[int] = []
    for index in items:
        following = lines[index + 1] if index + 1 < len(lines) else None
        if not lines[index].content.rstrip().endswith(("：", ":")) or following is None:
            return False
        if following.level is None or following.level <= (lines[index].level or 0):
            return False
        deeper.append(following.level)
    level = deeper[0]
    if any(other != level for other in deeper):
        return False
    numbers = [
        int(line.numeral) for line in lines if line.level == level and line.numeral and line.numeral.isdigit()
    ]
    return len(numbers) > len(items) and all(b > a for a, b in zip(numbers, numbers[1:], strict=False))


def _owns_text(lines: list[_Line], index: int) -> bool:
    """Whether a numbered line has text of its own: after its title, or in the next paragraph."""
    content = lines[index].content
    title = _first_sentence(content)
    if len(content) > _TITLE_MAX_LENGTH or content[len(title) :].strip(" 。："):
        return True
    return index + 1 < len(lines) and lines[index + 1].level is None


def _numbered_tasks(drafts: list[_Draft]) -> list[PlanTask]:
    """Final tasks with their numbers; tasks get "parent.own" numbers only if numbering restarts."""
    own_numbers = [_arabic(draft.numeral) for draft in drafts if draft.kind is TaskKind.TASK]
    restarts = len(own_numbers) != len(set(own_numbers))
    # Key actions and safeguards numbered on from the tasks (…42, 43, 44) keep the plan's own numbers;
    # numbered afresh (1, 2 …) they would repeat task numbers, so they get their kind's prefix.
    plain_numbers = [_arabic(draft.numeral) for draft in drafts]
    unique_numbers = len(plain_numbers) == len(set(plain_numbers))
    tasks = []
    for draft in drafts:
        prefix = "" if unique_numbers else NUMBER_PREFIX[draft.kind]
        number = prefix + _arabic(draft.numeral)
        if draft.kind is TaskKind.TASK and restarts and draft.parent_numeral:
            number = f"{_arabic(draft.parent_numeral)}.{number}"
        tasks.append(_task_from_draft(draft, number))
    return tasks


def _task_from_draft(draft: _Draft, number: str) -> PlanTask:
    """Title, measures and units of one item.

    1. Pull responsibility annotations out of the heading and body paragraphs.
    2. The title is the heading's first sentence, or its first clause when that sentence is long
       (then the whole sentence is also a measure).
    3. Measures are the remaining sentences, sub-numbering such as （1） removed.
    """
    leads: list[str] = []
    co_units: list[str] = []
    sentences: list[str] = []
    units: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for paragraph in (draft.heading, *draft.body):
        for text, sentence_leads, sentence_co in _annotated_sentences(paragraph):
            leads.extend(sentence_leads)
            co_units.extend(sentence_co)
            cleaned = _INLINE_SUB_NUMBER_RE.sub("", text).strip()
            if cleaned:
                sentences.append(cleaned)
                units.append(
                    (
                        tuple(_unique(sentence_leads)),
                        tuple(u for u in _unique(sentence_co) if u not in sentence_leads),
                    )
                )
    title = sentences[0] if sentences else ""
    measures, measure_units = sentences[1:], units[1:]
    if len(title) > _TITLE_MAX_LENGTH:
        measures, measure_units = sentences, units
        title = re.split(r"[，：]", title, maxsplit=1)[0]
    task_leads = tuple(_unique(leads))
    task_co = tuple(unit for unit in _unique(co_units) if unit not in leads)
    # One annotation for the whole task (however many sentences it follows): every measure inherits it.
    if len({pair for pair in units if pair[0] or pair[1]}) <= 1:
        measure_units = [((), ())] * len(measures)
    return PlanTask(
        number=number,
        title=title,
        section=draft.section,
        measures=tuple(measures),
        lead_units=task_leads,
        co_units=task_co,
        kind=draft.kind,
        measure_units=tuple(measure_units),
    )


def _annotated_sentences(paragraph: str) -> list[tuple[str, list[str], list[str]]]:
    """Sentences of a paragraph with the units their own annotation names.

    1. A paragraph that is an annotation as a whole (责任单位：…) names units for no sentence of its own:
       it is returned as one empty sentence carrying the units (they count for the task).
    2. An annotation applies to the sentences since the previous annotation of the paragraph: written
       inside a sentence ("…（市财政局牵头）。") or right after its full stop ("…。（市财政局牵头）下一句").
    3. Sentences after the last annotation carry no units of their own.
    """
    if _LABEL_RE.match(paragraph):
        _, whole_leads, whole_co = extract_responsibility(paragraph)
        return [("", whole_leads, whole_co)]
    result: list[tuple[str, list[str], list[str]]] = []
    pending: list[int] = []

    def assign(leads: list[str], co: list[str]) -> None:
        for index in pending:
            text, _, _ = result[index]
            result[index] = (text, list(leads), list(co))
        pending.clear()

    for piece in split_sentences(paragraph):
        if piece[0] in "（〔【[":
            end = _closing_bracket(piece, 0)
            if _is_annotation(piece[1:end]):
                head_leads: list[str] = []
                head_co: list[str] = []
                _read_annotation(piece[1:end], head_leads, head_co)
                assign(head_leads, head_co)
                result.append(("", head_leads, head_co))
                piece = piece[end + 1 :]
        text, leads, co = extract_responsibility(piece) if piece.strip() else ("", [], [])
        if not (text or leads or co):
            continue
        result.append((text, leads, co))
        if text:
            pending.append(len(result) - 1)
        if leads or co:
            assign(leads, co)
    return result


# -- responsibility annotations -----------------------------------------------------------------------


def _is_annotation(body: str) -> bool:
    if _LABEL_RE.search(body) or "牵头" in body:
        return True
    return body.endswith("负责") and bool(_DEPARTMENT_RE.search(body))


def _read_annotation(body: str, leads: list[str], co_units: list[str]) -> None:
    """Add the units named in one annotation body to `leads` and `co_units`."""
    labels = list(_LABEL_RE.finditer(body))
    if labels:
        segments = []
        for index, match in enumerate(labels):
            end = labels[index + 1].start() if index + 1 < len(labels) else len(body)
            segments.append((_LABEL_ROLE[match.group("label")], body[match.end() : end]))
        has_lead = any(role == "lead" for role, _ in segments)
        for role, value in segments:
            units = _split_units(value)
            if role == "lead":
                leads.extend(units)
            elif role == "co" or (role == "responsible" and has_lead):
                co_units.extend(units)
            elif role == "responsible" and units:
                leads.append(units[0])
                co_units.extend(units[1:])
        return
    phrase = _LEAD_PHRASE_RE.match(body)
    if phrase:
        leads.extend(_split_units(phrase.group("lead")))
        rest = _CO_PHRASE_SUFFIX_RE.sub("", (phrase.group("rest") or "").strip())
        co_units.extend(_split_units(rest))
    elif body.endswith("负责"):
        leads.extend(_split_units(body.removesuffix("负责")))


def _split_units(value: str) -> list[str]:
    """Unit names from "市发展改革委、市财政局，各县（区）人民政府等"; notes and deadlines dropped."""
    units, current, depth = [], [], 0
    text = value.strip(" ；，。")
    for index, char in enumerate(text):
        if char in "（〔【[":
            end = _closing_bracket(text, index)
            if _UNIT_NOISE_RE.search(text[index:end]) or "牵头" in text[index:end]:
                current.append("\0")  # a note inside the unit list; dropped below
            depth += 1
        elif char in "）〕】]":
            depth = max(depth - 1, 0)
        if char in "、，；,;" and depth == 0:
            units.append("".join(current))
            current = []
        else:
            current.append(char)
    units.append("".join(current))
    units = _join_level_lists(units)
    cleaned = []
    for unit in units:
        unit = re.sub(r"\0[（〔【\[][^）〕】\]]*[）〕】\]]?", "", unit).replace("\0", "")
        unit = unit.strip(" 。").removeprefix("由").removesuffix("等")
        if unit and not _UNIT_NOISE_RE.search(unit):
            cleaned.append(unit)
    return cleaned


def _join_level_lists(units: list[str]) -> list[str]:
    """Keep "各区、县级市" / "各有关区、县级市" / "各县、区" together: every unit of those levels, one entry.

    A piece that is only an administrative level (县级市, 区, 县 …) cannot be a unit of its own; it continues
    the "各…" piece before it.
    """
    joined: list[str] = []
    for unit in units:
        if joined and _BARE_LEVEL_RE.fullmatch(unit.strip()) and joined[-1].strip().startswith("各"):
            joined[-1] = f"{joined[-1]}、{unit.strip()}"
        else:
            joined.append(unit)
    return joined


def _closing_bracket(text: str, start: int) -> int:
    """Index of the bracket closing the one at `start`, or len(text) if it is never closed."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] in "（〔【[":
            depth += 1
        elif text[index] in "）〕】]":
            depth -= 1
            if depth == 0:
                return index
    return len(text)


# -- small helpers ------------------------------------------------------------------------------------


def _title(preamble: list[_Line]) -> str:
    """The plan's name, read from the lines before the first heading.

    1. Candidates are short unpunctuated lines naming a plan (方案, 计划, 要点, 措施 …).
    2. Prefer the last candidate that is not a covering notice (关于印发…的通知); join it with the line
       before when the title was broken over two lines.
    3. Otherwise take the plan name out of the notice, or fall back to the first line.
    4. Drop a trailing document number such as （池政〔2017〕101号）.
    """
    texts = [line.text for line in preamble]
    candidates = [
        index
        for index, text in enumerate(texts)
        if "。" not in text
        and not text.endswith(("：", ":"))
        and not text.startswith("（")
        and 4 <= len(text) <= 80
        and _TITLE_KEYWORDS_RE.search(text)
    ]
    plain = [index for index in candidates if not _NOTICE_RE.search(texts[index])]
    if plain:
        index = plain[-1]
        title = texts[index]
        previous = texts[index - 1] if index > 0 else ""
        if _TITLE_FIRST_HALF_RE.match(previous) and not _ISSUER_OR_DATE_RE.search(previous):
            title = previous + title
    elif candidates:
        notice = _NOTICE_RE.search(texts[candidates[0]])
        title = notice.group("inner").strip("《》〈〉") if notice else texts[candidates[0]]
    else:
        title = texts[0][:60] if texts else ""
    return _TITLE_DOCUMENT_NUMBER_RE.sub("", title)


def _first_sentence(text: str) -> str:
    sentences = split_sentences(text)
    return sentences[0] if sentences else text


def _arabic(numeral: str) -> str:
    if numeral.isdigit():
        return str(int(numeral))
    if numeral in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳":
        return str("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(numeral) + 1)
    digits = {char: index for index, char in enumerate("零一二三四五六七八九")}
    if "十" not in numeral and "百" not in numeral:
        return str(digits[numeral[0]]) if len(numeral) == 1 else "".join(str(digits[c]) for c in numeral)
    total, current = 0, 0
    for char in numeral:
        if char in digits:
            current = digits[char]
        else:
            total += (current or 1) * (10 if char == "十" else 100)
            current = 0
    return str(total + current)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _is_ascii_alnum(char: str) -> bool:
    return bool(char) and char.isascii() and char.isalnum()


def _has_digit(text: str) -> bool:
    return any(char.isdigit() for char in text)

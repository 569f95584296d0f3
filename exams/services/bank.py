"""The question bank: create, edit (a new version), and import a file all or nothing.

Rules enforced per row (exams.rules.question_errors and the labels here): a known type, difficulty and personnel
classes; options and answer fit the type (no answer naming an empty option, one answer for single choice, no
options for true/false, at least 2 options); no 题干 twice for the same class in the same bank.
The command `import_questions` and the web upload both call `questions_check` / `questions_import`, so the same
file gives the same errors at both doors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from exams import rules
from exams.models import Difficulty, Question, QuestionKind, QuestionVersion
from exams.tables import ROW, frame_from_table, read_table
from training.models import PersonnelClass

OPTION_COLUMNS = tuple(f"选项{letter}" for letter in rules.OPTION_LETTERS)
COLUMNS = ("题型", "题干", *OPTION_COLUMNS, "答案", "知识点", "难度", "适用人员类别", "解析")
REQUIRED = ("题型", "题干", "选项A", "选项B", "答案", "知识点", "难度", "适用人员类别")
KIND_LABELS = {str(label): value for value, label in QuestionKind.choices}
DIFFICULTY_LABELS = {str(label): value for value, label in Difficulty.choices}
CLASS_LABELS = {str(label): str(value) for value, label in PersonnelClass.choices}
ALL_CLASSES = "全部"
EXAMPLE_ROWS = [
    ["单选", "生产经营单位的主要负责人对本单位的安全生产工作负有什么责任？", "部分责任", "全面责任", "监督责任", "",
     "", "", "B", "法律法规", "易", "全部", "主要负责人对本单位安全生产工作全面负责。"],
    ["判断", "发生工伤事故后，用人单位应当在规定时限内提出工伤认定申请。", "", "", "", "", "", "", "对",
     "工伤预防基础", "易", "专职安全管理人员、班组长", ""],
]  # fmt: skip


def parse_classes(value: str) -> str | None:
    """ "全部" → "123"; "专职安全管理人员、班组长" → "23"; None for an unknown label."""
    value = value.strip()
    if value == ALL_CLASSES:
        return "123"
    parts = [
        p.strip() for p in value.replace("，", "、").replace(",", "、").replace(";", "、").split("、") if p.strip()
    ]
    if not parts:
        return None
    codes = set()
    for part in parts:
        code = CLASS_LABELS.get(part) or (part if part in ("1", "2", "3") else None)
        if code is None:
            return None
        codes.add(code)
    return "".join(sorted(codes))


@dataclass
class QuestionValues:
    kind: str
    stem: str
    options: list[str]
    answer: str
    topic: str
    difficulty: str
    classes: str
    explanation: str = ""


def row_values(row: dict) -> tuple[QuestionValues | None, list[str]]:
    """A row's values, or the reasons ("列: 原因") it is refused (duplicates are checked across rows later)."""
    errors = []
    kind = KIND_LABELS.get(row["题型"])
    if kind is None:
        errors.append(f"题型: 未知题型“{row['题型']}”（应为单选、多选或判断）")
    if not row["题干"]:
        errors.append("题干: 不能为空")
    difficulty = DIFFICULTY_LABELS.get(row["难度"])
    if difficulty is None:
        errors.append(f"难度: 未知难度“{row['难度']}”（应为易、中或难）")
    classes = parse_classes(row["适用人员类别"])
    if classes is None:
        errors.append(f"适用人员类别: 未知类别“{row['适用人员类别']}”（应为全部，或{'、'.join(CLASS_LABELS)}）")
    if not row["知识点"]:
        errors.append("知识点: 不能为空")
    elif len(row["知识点"]) > 32:
        errors.append("知识点: 不能超过32个字符")
    options = [row[c] for c in OPTION_COLUMNS]
    while options and not options[-1]:
        options.pop()
    answer = ""
    if kind is not None:
        answer = rules.normalise_answer(kind, row["答案"])
        errors += [
            f"{column}: {reason}"
            for column, reason in rules.question_errors(kind=kind, options=options, answer=answer)
        ]
    if errors:
        return None, errors
    values = QuestionValues(kind, row["题干"], options, answer, row["知识点"], difficulty, classes, row["解析"])
    return values, []


def _bank_filter(*, provider, region) -> dict:
    return {"provider": provider, "region": region}


def _existing_stems(*, provider, region) -> dict[str, str]:
    """题干 → classes of the current versions in the bank."""
    rows = QuestionVersion.objects.filter(
        pk__in=Question.objects.filter(**_bank_filter(provider=provider, region=region), active=True).values(
            "current_id"
        )
    ).values_list("stem", "classes")
    stems: dict[str, str] = {}
    for stem, classes in rows:
        stems[stem] = stems.get(stem, "") + classes
    return stems


def _duplicate_error(stem: str, classes: str, seen: dict[str, str], where: str) -> str | None:
    overlap = set(classes) & set(seen.get(stem, ""))
    if overlap:
        labels = "、".join(str(PersonnelClass(int(c)).label) for c in sorted(overlap))
        return f"题干: 与{where}重复（同一人员类别：{labels}）"
    return None


@dataclass
class QuestionCheck:
    frame: object
    values: dict[int, QuestionValues] = field(default_factory=dict)
    errors: dict[int, list[str]] = field(default_factory=dict)

    @property
    def invalid_count(self) -> int:
        return len(self.errors)

    def error_lines(self) -> list[str]:
        return [f"row {row}: {'；'.join(reasons)}" for row, reasons in sorted(self.errors.items())]


def questions_check(frame, *, provider=None, region=None) -> QuestionCheck:
    check = QuestionCheck(frame)
    bank = _existing_stems(provider=provider, region=region)
    in_file: dict[str, str] = {}
    for row in frame.to_dict("records"):
        values, errors = row_values(row)
        if values is not None:
            error = _duplicate_error(values.stem, values.classes, bank, "题库中已有试题") or _duplicate_error(
                values.stem, values.classes, in_file, "本文件前面的行"
            )
            if error:
                errors.append(error)
            in_file[values.stem] = in_file.get(values.stem, "") + values.classes
        if errors:
            check.errors[row[ROW]] = errors
        else:
            check.values[row[ROW]] = values
    return check


def _new_version(question: Question, values: QuestionValues, number: int) -> QuestionVersion:
    version = QuestionVersion(
        question=question,
        number=number,
        kind=values.kind,
        stem=values.stem,
        options=values.options,
        answer=values.answer,
        topic=values.topic,
        difficulty=values.difficulty,
        classes=values.classes,
        explanation=values.explanation,
    )
    version.full_clean()
    version.save()
    question.current = version
    question.save(update_fields=["current"])
    return version


def question_values_errors(values: QuestionValues, *, provider=None, region=None, exclude=None) -> list[str]:
    """ "列: 原因" for a question typed in one at a time (the admin): the import's rules for the options and answer,
    and no 题干 twice for the same class in the bank (`exclude`: the question being edited)."""
    errors = [
        f"{c}: {r}" for c, r in rules.question_errors(kind=values.kind, options=values.options, answer=values.answer)
    ]
    questions = Question.objects.filter(**_bank_filter(provider=provider, region=region), active=True)
    if exclude is not None:
        questions = questions.exclude(pk=exclude.pk)
    seen: dict[str, str] = {}
    for stem, classes in QuestionVersion.objects.filter(
        pk__in=questions.values("current_id"), stem=values.stem
    ).values_list("stem", "classes"):
        seen[stem] = seen.get(stem, "") + classes
    duplicate = _duplicate_error(values.stem, values.classes, seen, "题库中已有试题")
    if duplicate:
        errors.append(duplicate)
    return errors


@transaction.atomic
def question_create(*, values: QuestionValues, provider=None, region=None, checked: bool = False) -> Question:
    """A question and its version 1. `checked`: the import already ran questions_check over the whole file."""
    if not checked:
        errors = question_values_errors(values, provider=provider, region=region)
        if errors:
            raise ValidationError(errors)
    question = Question(provider=provider, region=region)
    question.full_clean()
    question.save()
    _new_version(question, values, 1)
    return question


@transaction.atomic
def question_edit(*, question: Question, values: QuestionValues) -> QuestionVersion:
    """A new version; papers already drawn keep pointing at the version they were drawn with."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if not question.active:
        raise ValidationError("试题已停用，不能再修改")
    errors = question_values_errors(values, provider=question.provider, region=question.region, exclude=question)
    if errors:
        raise ValidationError(errors)
    number = question.versions.count() + 1
    return _new_version(question, values, number)


@transaction.atomic
def question_retire(*, question: Question) -> Question:
    """Take a question out of the bank: papers drawn from now on skip it; papers already drawn keep its version.
    A blueprint the bank can no longer fill then refuses to draw, naming the short cell."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if not question.active:
        raise ValidationError("试题已停用")
    question.active = False
    question.save(update_fields=["active"])
    return question


def current_values(question: Question) -> QuestionValues:
    v = question.current
    return QuestionValues(v.kind, v.stem, list(v.options), v.answer, v.topic, v.difficulty, v.classes, v.explanation)


@dataclass
class ImportResult:
    check: QuestionCheck
    created: int = 0

    @property
    def written(self) -> bool:
        return self.created > 0


@transaction.atomic
def questions_import(frame, *, provider=None, region=None, dry_run: bool = False) -> ImportResult:
    """All or nothing: any bad row and nothing is written."""
    check = questions_check(frame, provider=provider, region=region)
    result = ImportResult(check)
    if check.invalid_count or dry_run:
        return result
    for values in check.values.values():
        question_create(values=values, provider=provider, region=region, checked=True)
        result.created += 1
    return result


def read_questions(source):
    return read_table(source, columns=COLUMNS, required=REQUIRED)


def question_frame(table):
    """The rows of a sheet already parsed (the admin's import): the same normalisation as read_questions."""
    return frame_from_table(table, columns=COLUMNS, required=REQUIRED)


def template_csv() -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return out.getvalue().encode("utf-8-sig")

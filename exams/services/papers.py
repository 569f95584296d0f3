"""Blueprints and papers.

A blueprint the bank cannot fill is refused when saved, naming the short cell; its points must add up to the
rule set's total. Each candidate draws their own paper from a random seed: questions and options shuffled, the
exact versions stored, so the paper can be shown as drawn months later (`paper_reproduce`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from exams import rules
from exams.models import Blueprint, BlueprintCell, Difficulty, PaperItem, Question, QuestionKind, QuestionVersion
from exams.selectors import bank_pool, bank_questions, exam_rules_in_force


@dataclass(frozen=True)
class Cell:
    kind: str
    topic: str
    difficulty: str
    count: int

    @property
    def label(self) -> str:
        return f"{QuestionKind(self.kind).label}/{self.topic}/{Difficulty(self.difficulty).label}"


def _candidates(project, personnel_class: int, cell) -> list[int]:
    pool = bank_pool(project, personnel_class)
    return sorted(
        pool.filter(kind=cell.kind, topic=cell.topic, difficulty=cell.difficulty).values_list("pk", flat=True)
    )


def _pool_at(project, personnel_class: int, at) -> dict[tuple[str, str, str], list[int]]:
    """The versions that were current at `at` (the latest version of each active question created by then),
    grouped by (kind, topic, difficulty): what a paper drawn at `at` chose from."""
    latest: dict[int, tuple] = {}
    rows = (
        QuestionVersion.objects.filter(
            question__in=Question.objects.filter(bank_questions(project), active=True), created_at__lte=at
        )
        .order_by("question_id", "number")
        .values_list("question_id", "pk", "kind", "topic", "difficulty", "classes")
    )
    for question_id, pk, kind, topic, difficulty, classes in rows:
        latest[question_id] = (pk, kind, topic, difficulty, classes)
    pool: dict[tuple[str, str, str], list[int]] = {}
    for pk, kind, topic, difficulty, classes in latest.values():
        if str(personnel_class) in classes:
            pool.setdefault((kind, topic, difficulty), []).append(pk)
    return pool


def _drawn_ids(blueprint, seed: int, at) -> list[int]:
    pool = _pool_at(blueprint.project, blueprint.personnel_class, at)
    cells = []
    for cell in _cells_of(blueprint):
        candidates = sorted(pool.get((cell.kind, cell.topic, cell.difficulty), []))
        error = rules.shortage_error(cell_label=cell.label, wanted=cell.count, available=len(candidates))
        if error:
            raise ValidationError(f"题库不足，无法组卷：{error}")
        cells.append((cell.label, cell.count, candidates))
    return rules.draw(seed, cells)


def blueprint_errors(*, project, personnel_class: int, cells: list[Cell], points: dict[str, int]) -> list[str]:
    errors = []
    for cell in cells:
        error = rules.shortage_error(
            cell_label=cell.label, wanted=cell.count, available=len(_candidates(project, personnel_class, cell))
        )
        if error:
            errors.append(error)
    total = sum(cell.count * points[cell.kind] for cell in cells)
    error = rules.blueprint_total_error(total=total, expected=exam_rules_in_force(project.region).total_points)
    if error:
        errors.append(error)
    return errors


@transaction.atomic
def blueprint_save(
    *,
    project,
    personnel_class: int,
    cells: list[Cell],
    single_points: int = 1,
    multiple_points: int = 2,
    judge_points: int = 1,
    pass_mark: int | None = None,
    duration_minutes: int | None = None,
    multi_scoring: str = "all",
    show_answers_after_close: bool = True,
) -> Blueprint:
    """Create or replace the blueprint of a project's personnel class. Raises ValidationError naming short cells."""
    rule_set = exam_rules_in_force(project.region)
    cells = [c for c in cells if c.count]
    points = {
        QuestionKind.SINGLE: single_points,
        QuestionKind.MULTIPLE: multiple_points,
        QuestionKind.JUDGE: judge_points,
    }
    errors = blueprint_errors(project=project, personnel_class=personnel_class, cells=cells, points=points)
    if errors:
        raise ValidationError(errors)
    blueprint, _ = Blueprint.objects.select_for_update().get_or_create(
        project=project, personnel_class=personnel_class
    )
    if blueprint.attempts.exists() and sorted(_cells_of(blueprint), key=_key) != sorted(cells, key=_key):
        # paper_reproduce re-draws an attempt's paper from its blueprint's cells: they must stay as drawn
        raise ValidationError("已有考生按此方案抽卷，组卷要求不能再改（分值、合格线、时长等仍可修改）")
    blueprint.single_points, blueprint.multiple_points, blueprint.judge_points = (
        single_points,
        multiple_points,
        judge_points,
    )
    blueprint.pass_mark = rule_set.pass_mark if pass_mark is None else pass_mark
    blueprint.duration_minutes = rule_set.duration_minutes if duration_minutes is None else duration_minutes
    blueprint.multi_scoring = multi_scoring
    blueprint.show_answers_after_close = show_answers_after_close
    blueprint.full_clean()
    blueprint.save()
    blueprint.cells.all().delete()
    BlueprintCell.objects.bulk_create(
        [
            BlueprintCell(blueprint=blueprint, kind=c.kind, topic=c.topic, difficulty=c.difficulty, count=c.count)
            for c in cells
        ]
    )
    return blueprint


def _key(cell: Cell) -> tuple[str, str, str]:
    return (cell.kind, cell.topic, cell.difficulty)


def _cells_of(blueprint: Blueprint) -> list[Cell]:
    return [
        Cell(c.kind, c.topic, c.difficulty, c.count) for c in blueprint.cells.order_by("kind", "topic", "difficulty")
    ]


def new_seed() -> int:
    return secrets.randbits(62)


def paper_draw(*, attempt) -> list[PaperItem]:
    """Draw the attempt's paper from its seed (inside the attempt's transaction)."""
    blueprint = attempt.blueprint
    version_ids = _drawn_ids(blueprint, attempt.seed, attempt.started_at)
    versions = QuestionVersion.objects.in_bulk(version_ids)
    items = [
        PaperItem(
            attempt=attempt,
            position=position,
            version_id=vid,
            option_order=rules.option_order(attempt.seed, position, len(versions[vid].options)),
            points=blueprint.points_for(versions[vid].kind),
        )
        for position, vid in enumerate(version_ids, start=1)
    ]
    return PaperItem.objects.bulk_create(items)


def paper_view(attempt, *, with_answers: bool = False) -> list[dict]:
    """The paper as shown to the candidate (shown letters), optionally with the right answers."""
    items = attempt.items.select_related("version").order_by("position")
    paper = []
    for item in items:
        v = item.version
        options = [
            (rules.OPTION_LETTERS[i], v.options[rules.OPTION_LETTERS.index(orig)])
            for i, orig in enumerate(item.option_order)
        ]
        entry = {
            "id": item.pk,
            "position": item.position,
            "kind": v.kind,
            "kind_label": str(QuestionKind(v.kind).label),
            "stem": v.stem,
            "options": options,
            "points": item.points,
            "topic": v.topic,
        }
        if with_answers:
            entry["answer"] = shown_answer(item)
            entry["explanation"] = v.explanation
        paper.append(entry)
    return paper


def shown_answer(item: PaperItem) -> str:
    """The right answer in the letters the candidate saw."""
    v = item.version
    if not item.option_order:
        return v.answer
    return "".join(sorted(rules.OPTION_LETTERS[item.option_order.index(ch)] for ch in v.answer))


def paper_reproduce(attempt) -> list[tuple[int, str]]:
    """Re-draw the paper from its seed and the bank as it stood when the attempt started (the versions current
    then, whatever was edited since): (version id, option order) per position. An appeal compares it with the
    stored items to show the paper is exactly what the seed produced."""
    version_ids = _drawn_ids(attempt.blueprint, attempt.seed, attempt.started_at)
    versions = QuestionVersion.objects.in_bulk(version_ids)
    return [
        (vid, rules.option_order(attempt.seed, position, len(versions[vid].options)))
        for position, vid in enumerate(version_ids, start=1)
    ]


def paper_stored(attempt) -> list[tuple[int, str]]:
    return list(attempt.items.order_by("position").values_list("version_id", "option_order"))

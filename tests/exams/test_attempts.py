"""Papers, grading, eligibility, retakes, the deadline and its grace, the sealed evidence chain."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from exams import rules
from exams.models import Answer, AttemptEvent, MultiScoring, SittingMode, SubmitReason
from exams.selectors import eligibility
from exams.services.attempts import ExamRefused, answer_save, attempt_start, attempt_state
from exams.services.bank import QuestionValues, question_edit
from exams.services.evidence import evidence_verify
from exams.services.grading import attempt_submit, submit_overdue
from exams.services.papers import paper_reproduce, paper_stored, paper_view, shown_answer
from tests.exams import support

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam():
    course = support.Course()
    support.bank()
    support.blueprint(course.project)
    sitting = support.sitting(course.project)
    return course, sitting


def _start(course, sitting, enrollment=None, **kwargs):
    enrollment = enrollment or course.enrol()
    support.site_ready(sitting=sitting, enrollment=enrollment)
    return attempt_start(enrollment=enrollment, sitting=sitting, **kwargs)


def _answer_all(attempt, right=True):
    for item in attempt.items.select_related("version"):
        value = (
            shown_answer(item)
            if right
            else ("F" if item.version.kind == "judge" else "A" if item.version.kind == "single" else "AB")
        )
        if right is False and item.version.kind == "judge" and shown_answer(item) == "F":
            value = "T"
        answer_save(
            attempt_id=attempt.pk,
            trainee_id=attempt.enrollment.trainee_id,
            item_id=item.pk,
            value=value,
            tab_token=attempt.tab_token,
        )


def test_paper_meets_the_blueprint_exactly(exam):
    course, sitting = exam
    attempt = _start(course, sitting)
    versions = [i.version for i in attempt.items.select_related("version")]
    counts = {}
    for v in versions:
        counts[(v.kind, v.topic, v.difficulty)] = counts.get((v.kind, v.topic, v.difficulty), 0) + 1
    assert counts == {
        ("single", "法律法规", "easy"): 10,
        ("multiple", "应急处置", "medium"): 5,
        ("judge", "职业健康", "easy"): 20,
    }
    assert len({v.question_id for v in versions}) == 35
    assert sum(i.points for i in attempt.items.all()) == 100


def test_two_candidates_draw_different_shuffled_papers(exam):
    course, sitting = exam
    a, b = _start(course, sitting), _start(course, sitting)
    assert paper_stored(a) != paper_stored(b)
    assert any(order != "ABCD" for _, order in paper_stored(a) if order)


def test_paper_reproduced_from_its_seed_after_questions_were_edited(exam):
    course, sitting = exam
    attempt = _start(course, sitting)
    stored = paper_stored(attempt)
    first = attempt.items.select_related("version").first()
    old_stem = first.version.stem
    v = first.version
    question_edit(
        question=v.question,
        values=QuestionValues(v.kind, "改过的题干", v.options, v.answer, v.topic, v.difficulty, v.classes),
    )
    assert paper_reproduce(attempt) == stored
    assert paper_view(attempt)[0]["stem"] == old_stem


def test_grading_all_right_passes_and_issues_a_certificate(exam):
    course, sitting = exam
    attempt = _start(course, sitting)
    _answer_all(attempt)
    attempt = attempt_submit(attempt_id=attempt.pk, reason=SubmitReason.CANDIDATE)
    assert (attempt.score, attempt.passed) == (100, True)
    attempt.enrollment.refresh_from_db()
    assert attempt.enrollment.exam_passed_on == timezone.localdate()
    assert attempt.enrollment.retraining_fee_reduced
    assert attempt.enrollment.certificate.valid_until.year == timezone.localdate().year + 3


def test_grading_partial_credit_for_a_subset_of_right_options():
    assert rules.grade_item(kind="multiple", given="A", correct="AC", points=8, partial=True) == 4
    assert rules.grade_item(kind="multiple", given="A", correct="AC", points=8, partial=False) == 0
    assert rules.grade_item(kind="multiple", given="AB", correct="AC", points=8, partial=True) == 0
    assert rules.grade_item(kind="multiple", given="CA", correct="AC", points=8, partial=False) == 8
    assert rules.grade_item(kind="single", given="", correct="B", points=4, partial=True) == 0


def test_partial_blueprint_grades_a_subset_with_half_points(exam):
    course, sitting = exam
    support.blueprint(course.project, multi_scoring=MultiScoring.PARTIAL)
    attempt = _start(course, sitting)
    for item in attempt.items.select_related("version"):
        value = shown_answer(item)[:1] if item.version.kind == "multiple" else shown_answer(item)
        answer_save(
            attempt_id=attempt.pk,
            trainee_id=attempt.enrollment.trainee_id,
            item_id=item.pk,
            value=value,
            tab_token=attempt.tab_token,
        )
    attempt = attempt_submit(attempt_id=attempt.pk, reason=SubmitReason.CANDIDATE)
    assert attempt.score == 40 + 20 + 5 * 4
    assert attempt.passed is True


def test_incomplete_training_cannot_start(exam):
    course, sitting = exam
    enrollment = course.enrol(complete=False)
    verdict = eligibility(enrollment)
    assert not verdict.eligible and verdict.reasons[0].startswith("培训未完成：总学时 0/24")
    support.site_ready(sitting=sitting, enrollment=enrollment)
    with pytest.raises(ExamRefused, match="不能开考：培训未完成"):
        attempt_start(enrollment=enrollment, sitting=sitting)


def test_one_retake_then_no_attempts_left(exam):
    course, sitting = exam
    enrollment = course.enrol()
    for _ in range(2):
        attempt = _start(course, sitting, enrollment)
        _answer_all(attempt, right=False)
        assert attempt_submit(attempt_id=attempt.pk, reason=SubmitReason.CANDIDATE).passed is False
    assert eligibility(enrollment).reasons == ["考试次数已用完（2/2）"]
    with pytest.raises(ExamRefused, match=r"考试次数已用完（2/2）"):
        attempt_start(enrollment=enrollment, sitting=sitting)


def test_site_sitting_needs_check_in_and_online_needs_a_face_check(exam):
    course, sitting = exam
    enrollment = course.enrol()
    with pytest.raises(ExamRefused, match="请先在考点签到"):
        attempt_start(enrollment=enrollment, sitting=sitting)
    online = support.sitting(course.project, mode=SittingMode.ONLINE)
    with pytest.raises(ExamRefused, match="线上考试须先通过人脸核验"):
        attempt_start(enrollment=enrollment, sitting=online)


def test_answer_after_deadline_plus_grace_is_refused_and_changes_nothing(exam, settings):
    settings.EXAM_GRACE_SECONDS = 5
    course, sitting = exam
    attempt = _start(course, sitting)
    item = attempt.items.select_related("version").filter(version__kind="single").first()
    kw = {
        "attempt_id": attempt.pk,
        "trainee_id": attempt.enrollment.trainee_id,
        "item_id": item.pk,
        "tab_token": attempt.tab_token,
    }
    answer_save(value="A", **kw)
    answer_save(value="C", now=attempt.deadline + datetime.timedelta(seconds=4), **kw)  # within the grace
    with pytest.raises(ExamRefused, match="考试时间已到，答案未保存"):
        answer_save(value="D", now=attempt.deadline + datetime.timedelta(seconds=6), **kw)
    assert Answer.objects.get(attempt=attempt, item=item).value == "C"


def test_remaining_time_comes_from_the_server_clock(exam):
    course, sitting = exam
    attempt = _start(course, sitting)
    assert attempt_state(attempt, now=attempt.started_at + datetime.timedelta(minutes=20))["remaining"] == 100 * 60
    assert attempt.deadline - attempt.started_at == datetime.timedelta(minutes=120)


def test_bad_answers_are_refused_without_touching_saved_ones(exam):
    course, sitting = exam
    attempt, other = _start(course, sitting), _start(course, sitting)
    item = attempt.items.select_related("version").filter(version__kind="single").first()
    mine = {"attempt_id": attempt.pk, "trainee_id": attempt.enrollment.trainee_id, "tab_token": attempt.tab_token}
    answer_save(item_id=item.pk, value="B", **mine)
    foreign = other.items.first()
    with pytest.raises(ExamRefused, match="该题不在您的试卷上"):
        answer_save(item_id=foreign.pk, value="A", **mine)
    with pytest.raises(ExamRefused, match="这不是您的考试"):
        answer_save(
            attempt_id=attempt.pk,
            trainee_id=other.enrollment.trainee_id,
            item_id=item.pk,
            value="A",
            tab_token=attempt.tab_token,
        )
    taken = attempt_start(enrollment=attempt.enrollment, sitting=sitting)  # a second tab takes over
    with pytest.raises(ExamRefused, match="考试已在另一个页面或设备上打开"):
        answer_save(item_id=item.pk, value="C", **mine)
    answer_save(item_id=item.pk, value="D", **{**mine, "tab_token": taken.tab_token})
    assert Answer.objects.get(attempt=attempt, item=item).value == "D"
    assert Answer.objects.filter(item=foreign).count() == 0


def test_server_submits_overdue_attempts_at_the_deadline(exam):
    course, sitting = exam
    attempt = _start(course, sitting)
    _answer_all(attempt)
    assert submit_overdue(now=attempt.deadline - datetime.timedelta(seconds=1)) == 0
    assert submit_overdue(now=attempt.deadline + datetime.timedelta(seconds=30)) == 1
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submit_reason, attempt.submitted_at) == ("submitted", "deadline", attempt.deadline)
    assert attempt.score == 100


def test_evidence_is_chained_sealed_and_a_raw_sql_edit_is_caught(exam):
    course, sitting = exam
    attempt = _start(course, sitting)
    _answer_all(attempt)
    attempt = attempt_submit(attempt_id=attempt.pk, reason=SubmitReason.CANDIDATE)
    assert evidence_verify(attempt) == []
    assert attempt.seal_hash == AttemptEvent.objects.filter(attempt=attempt).order_by("-seq").first().hash
    event = AttemptEvent.objects.filter(attempt=attempt, kind="answer").order_by("seq")[3]
    table = AttemptEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # an intruder with the owner's rights switches the guard off
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(
            f"UPDATE {table} SET data = %s WHERE id = %s", ['{"item": 1, "position": 1, "value": "Z"}', event.pk]
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    problems = evidence_verify(attempt)
    assert problems == [f"第{event.seq}条事件（作答）与记录的哈希不符，已被改动"]


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete_of_events(exam):
    from django.db import DatabaseError, transaction

    course, sitting = exam
    attempt = _start(course, sitting)
    for statement in ("UPDATE {t} SET kind = 'x'", "DELETE FROM {t}"):
        with (
            pytest.raises(DatabaseError, match="Cannot update or delete rows"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement.format(t=AttemptEvent._meta.db_table))
    assert evidence_verify(attempt) == []


def test_a_province_changes_the_rules_and_a_started_exam_keeps_its_own(exam):
    from exams.selectors import exam_rules_in_force
    from exams.services.sittings import exam_rule_set_create

    course, sitting = exam
    attempt = _start(course, sitting)
    province = course.project.region.parent
    strict = exam_rule_set_create(
        region=province, effective_from=timezone.localdate(), name="山东省考试规则", pass_mark=85, max_attempts=1
    )
    assert exam_rules_in_force(course.project.region) == strict
    attempt.refresh_from_db()
    assert attempt.rule_set.region is None and attempt.rule_set.max_attempts == 2
    _answer_all(attempt, right=False)
    attempt_submit(attempt_id=attempt.pk, reason=SubmitReason.CANDIDATE)
    assert eligibility(attempt.enrollment).reasons == ["考试次数已用完（1/1）"]

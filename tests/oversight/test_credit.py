"""Provider and teacher credit (信用体系): the score combines the pass rate (exams), the confirmed-flag rate
(proctoring), spot-check findings, revisit results and substantiated complaints with weights that are data; each
recalculation that moves something stores a row with the figures and the reasons; the pages are scoped."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from exams.services.results import read_results, results_import
from exams.services.sittings import ensure_exam_national_default
from oversight.models import CreditScore, CreditWeights
from oversight.rules import credit as rules
from oversight.selectors.credit import provider_figures, teacher_figures, weights_in_force
from oversight.services.credit import complaint_record, credit_recalculate
from oversight.services.spotchecks import revisit_record, spot_check_record
from oversight.tasks import credit_recalculate_task
from proctoring.services.flags import flag_review
from tests.factories import region_tree, staff_user
from tests.oversight.audit_support import Audit
from training.models import Teacher
from training.roles import Role

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 6, 3)


def _results(outcomes):
    """The unified exam's results imported through the exams service: (enrollment, passed) pairs."""
    ensure_exam_national_default()
    today = f"{timezone.localdate():%Y-%m-%d}"
    lines = ["身份证号,姓名,考试日期,成绩,是否合格,考点"] + [
        f"{e.trainee.id_number},{e.trainee.name},{today},{90 if ok else 50},{'是' if ok else '否'},东营考点"
        for e, ok in outcomes
    ]
    result = results_import(read_results("\n".join(lines).encode()))
    assert result.check.invalid_count == 0, result.check.error_lines()


@pytest.fixture
def audit():
    a = Audit(trainees=4)
    _results([(a.enrollments[0], True), (a.enrollments[1], True), (a.enrollments[2], True), (a.enrollments[3], False)])
    return a


def test_the_weights_are_data_seeded_by_a_migration():
    weights = weights_in_force(DAY)
    assert weights.as_dict() == {"pass_rate": 30, "flag_rate": 25, "spot_checks": 15, "revisits": 15, "complaints": 15}
    assert weights.complaint_points == 20


def test_the_rules_weigh_only_parts_that_have_figures():
    figures = dict(sat=4, passed=3, enrolled=4, flagged=1, checks=0, minor=0, serious=0, reached=0, not_studied=0,
                   complaints=1)  # fmt: skip
    scores = rules.part_scores(figures, complaint_points=20)
    assert scores == {"pass_rate": Decimal("75.0"), "flag_rate": Decimal("75.0"), "spot_checks": None,
                      "revisits": None, "complaints": Decimal("80.0")}  # fmt: skip
    weights = {"pass_rate": 30, "flag_rate": 25, "spot_checks": 15, "revisits": 15, "complaints": 15}
    # (75*30 + 75*25 + 80*15) / 70 = 76.07...
    assert rules.combine(scores, weights) == Decimal("76.1")


def test_first_score_then_a_lowered_score_with_its_reasons(audit):
    provider = audit.project.provider
    first = credit_recalculate(providers=[provider], teachers=[])
    assert len(first) == 1
    row = first[0]
    # (pass 75 × 30 + flags 100 × 25 + complaints 100 × 15) / 70; no spot checks or revisits yet
    assert row.score == Decimal("89.3") and row.previous is None
    assert row.components["figures"] | {} == provider_figures(provider)
    assert row.reasons[0] == "首次评分89.3分" and "考试合格率：75.0（参加考试4人，合格3人）" in row.reasons
    # nothing moved: no new row
    assert credit_recalculate(providers=[provider], teachers=[]) == []
    # a revisit finds one person did not study, HR confirms the flag; a spot check finds a serious problem; a
    # substantiated complaint
    revisit = revisit_record(enrollment=audit.enrollments[0], user=audit.auditor, method="phone", revisited_on=DAY,
                             reached=True, attended=True, studied=False, answers="线上课程由同事代学")  # fmt: skip
    flag_review(flag=revisit.flag, reviewer=audit.hr, confirm=True, reason="本人承认")
    spot_check_record(session=audit.sessions[0], user=audit.auditor, checked_on=DAY, present=2, absent=2,
                      finding="serious", notes="代签到")  # fmt: skip
    complaint_record(provider=provider, user=audit.hr, received_on=DAY, summary="培训走过场", substantiated=True)
    complaint_record(provider=provider, user=audit.hr, received_on=DAY, summary="未查实", substantiated=False)
    [lowered] = credit_recalculate(providers=[provider], teachers=[])
    assert lowered.previous == Decimal("89.3") and lowered.score < lowered.previous
    assert lowered.reasons[0] == f"信用分由89.3下降至{lowered.score}"
    assert "确认异常率：由100.0变为75.0（学员4人，有确认异常1人）" in lowered.reasons
    assert "随机抽查：由—变为0.0（抽查1次，一般问题0次，严重问题1次）" in lowered.reasons
    assert "培训回访：由—变为0.0（回访联系到1人，其中未参训学习1人）" in lowered.reasons
    assert "投诉：由100.0变为80.0（属实投诉1件）" in lowered.reasons
    # pass 75*30 + flags 75*25 + checks 0*15 + revisits 0*15 + complaints 80*15 = 5325 / 100
    assert lowered.score == Decimal("53.3")


def test_new_weights_from_their_effective_date_change_the_score(audit):
    provider = audit.project.provider
    credit_recalculate(providers=[provider], teachers=[], on_date=DAY)
    CreditWeights.objects.create(effective_from=DAY + datetime.timedelta(days=1), pass_rate=1, flag_rate=1,
                                 spot_checks=1, revisits=1, complaints=1, complaint_points=20)  # fmt: skip
    assert credit_recalculate(providers=[provider], teachers=[], on_date=DAY) == []  # old weights still in force
    [row] = credit_recalculate(providers=[provider], teachers=[], on_date=DAY + datetime.timedelta(days=1))
    assert row.score == Decimal("91.7") and row.weights.effective_from == DAY + datetime.timedelta(days=1)


def test_a_teacher_answers_for_their_sessions_and_classes(audit):
    teacher = Teacher.objects.create(provider=audit.project.provider, name="商建华")
    idle = Teacher.objects.create(provider=audit.project.provider, name="未授课教师")
    session = audit.sessions[0]
    session.teacher = teacher
    session.save(update_fields=["teacher"])
    spot_check_record(session=session, user=audit.auditor, checked_on=DAY, present=3, absent=1, finding="minor",
                      notes="教师未按计划授课")  # fmt: skip
    complaint_record(provider=audit.project.provider, teacher=teacher, user=audit.hr, received_on=DAY,
                     summary="照本宣科", substantiated=True)  # fmt: skip
    figures = teacher_figures(teacher)
    assert (figures["enrolled"], figures["sat"], figures["passed"], figures["checks"], figures["minor"]) == (
        4,
        4,
        3,
        1,
        1,
    )
    assert figures["complaints"] == 1 and teacher_figures(idle)["enrolled"] == 0
    rows = {r.teacher: r for r in credit_recalculate(providers=[], teachers=[teacher, idle])}
    assert rows[teacher].score < rows[idle].score == Decimal("100.0")


def test_command_and_task_recalculate_everyone_once(audit):
    out = io.StringIO()
    call_command("recalculate_credit", stdout=out)
    assert "scores changed" in out.getvalue() and CreditScore.objects.filter(provider=audit.project.provider).exists()
    assert credit_recalculate_task() == 0  # nothing moved since


def test_pages_list_scores_with_trend_and_the_history_with_reasons(client, audit):
    provider = audit.project.provider
    credit_recalculate(providers=[provider], teachers=[])
    complaint_record(provider=provider, user=audit.hr, received_on=DAY, summary="培训走过场", substantiated=True)
    client.force_login(audit.hr)
    client.post("/credit/recalculate/")
    listing = client.get("/credit/").content.decode()
    assert provider.name in listing and "89.3 → 85.0" in listing and "-4.3" in listing
    detail = client.get(f"/credit/providers/{provider.pk}/").content.decode()
    assert "信用分由89.3下降至85.0" in detail and "投诉：由100.0变为80.0（属实投诉1件）" in detail
    assert "现在要做" in detail


def test_credit_pages_are_scoped_and_hr_only_writes(client, audit):
    provider = audit.project.provider
    lianyungang = region_tree(city=("320700", "连云港市"), county=("320703", "连云区"))[1]
    elsewhere = staff_user(Role.HR_OFFICER, region=lianyungang)
    client.force_login(elsewhere)
    assert provider.name not in client.get("/credit/").content.decode()
    assert client.get(f"/credit/providers/{provider.pk}/").status_code == 404
    assert (
        client.post(f"/credit/providers/{provider.pk}/sanctions/", {"action": "remove", "reason": "x"}).status_code
        == 404
    )
    em = staff_user(Role.EM_OFFICER, region=audit.project.region)
    client.force_login(em)
    assert client.get(f"/credit/providers/{provider.pk}/").status_code == 200
    assert (
        client.post(f"/credit/providers/{provider.pk}/sanctions/", {"action": "remove", "reason": "x"}).status_code
        == 403
    )
    client.force_login(audit.auditor)
    assert client.get("/credit/").status_code == 403


def test_hr_removes_a_provider_from_the_page_and_the_public_list_shows_the_reason(client, audit):
    provider = audit.project.provider
    client.force_login(audit.hr)
    page = client.post(f"/credit/providers/{provider.pk}/sanctions/",
                       {"action": "remove", "reason": "回访发现代学，考核把关不严"}, follow=True)  # fmt: skip
    assert f"已对{provider.name}作出处理：退出" in page.content.decode()
    client.logout()
    public = client.get("/public/removed-providers/").content.decode()
    assert provider.name in public and "回访发现代学，考核把关不严" in public

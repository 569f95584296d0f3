"""Revisits (培训回访): a call or visit asks whether the person really attended and studied. "Did not study" opens a
flag in proctoring's review naming the credited hours at stake; the other findings open none."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from oversight.models import Revisit
from oversight.services.spotchecks import revisit_record, sample_draw
from proctoring.models import Flag, FlagKind, FlagStatus
from proctoring.services.flags import flag_review
from tests.oversight.audit_support import Audit
from training.selectors.completion import enrollment_progress

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 6, 3)


@pytest.fixture
def audit():
    return Audit(trainees=2)


def _revisit(audit, enrollment, **kw):
    args = dict(method="phone", revisited_on=DAY, reached=True, attended=True, studied=True, answers="本人确认参训")
    return revisit_record(enrollment=enrollment, user=audit.auditor, **(args | kw))


def test_did_not_study_opens_a_flag_with_the_hours_at_stake(client, audit):
    enrollment = audit.enrollments[0]
    total = enrollment_progress(enrollment).total  # 24 h: 9.6 online + 14.4 offline (Fund.complete)
    revisit = _revisit(audit, enrollment, studied=False, answers="问：线上课程是否本人学习？答：是同事帮忙挂的")
    assert revisit.finding == "not_studied" and revisit.hours_at_stake == total / 3600 == 24
    flag = revisit.flag
    assert (flag.kind, flag.status, flag.enrollment_id) == (FlagKind.REVISIT, FlagStatus.OPEN, enrollment.pk)
    assert flag.exam_ref == f"revisit:{revisit.pk}"
    assert "是同事帮忙挂的" in flag.note and "涉及已认定学时24学时（线上9.6，线下14.4）" in flag.note
    # the reviewers see it in their review list and on the flag page
    client.force_login(audit.hr)
    assert f"/flags/{flag.pk}/" in client.get("/flags/").content.decode()
    page = client.get(f"/flags/{flag.pk}/").content.decode()
    assert "回访记录" in page and "涉及已认定学时24学时" in page
    # and it is reviewed like any other flag
    flag_review(flag=flag, reviewer=audit.hr, confirm=True, reason="电话核实，本人承认未学习")
    assert Flag.objects.get(pk=flag.pk).status == FlagStatus.CONFIRMED


def test_the_page_records_a_revisit_and_says_a_flag_was_opened(client, audit):
    enrollment = audit.enrollments[1]
    draw = sample_draw(project=audit.project, user=audit.auditor, session_size=0, learner_size=2)
    client.force_login(audit.auditor)
    page = client.get(f"/audits/learners/{enrollment.pk}/revisit/").content.decode()
    assert 'id="hours">24学时（线上9.6，线下14.4）' in page
    form = {"method": "visit", "revisited_on": "2024-06-03", "reached": "1", "attended": "0", "studied": "",
            "answers": "问：是否参加了线下培训？答：没去过，签到是别人代签的"}  # fmt: skip
    response = client.post(f"/audits/learners/{enrollment.pk}/revisit/", form, follow=True)
    revisit = Revisit.objects.get()
    assert revisit.draw == draw and revisit.flag is not None
    assert f"回访发现未参训学习，已生成异常记录 #{revisit.flag_id} 交学习异常审核（涉及24.00学时）" in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("kw", "finding"),
    [
        ({}, "genuine"),
        ({"reached": False, "attended": None, "studied": None, "answers": "三次拨打无人接听"}, "unreachable"),
        ({"attended": None, "studied": True}, "genuine"),
    ],
)
def test_other_findings_open_no_flag(audit, kw, finding):
    revisit = _revisit(audit, audit.enrollments[0], **kw)
    assert revisit.finding == finding and revisit.flag is None and not Flag.objects.exists()


def test_a_reached_person_must_answer_and_the_answers_are_recorded(audit):
    with pytest.raises(ValidationError) as exc:
        _revisit(audit, audit.enrollments[0], attended=None, studied=None, answers=" ")
    assert exc.value.messages == [
        "联系到本人时，请至少填写是否参加线下培训或是否本人完成线上学习",
        "请记录回访问答内容",
    ]
    assert not Revisit.objects.exists()


def test_an_auditor_cannot_revisit_outside_their_projects(client, audit):
    client.force_login(audit.auditor)
    url = f"/audits/learners/{audit.other_enrollment.pk}/revisit/"
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"method": "phone", "revisited_on": "2024-06-03", "reached": "0", "answers": "x"}).status_code
        == 404
    )
    assert not Revisit.objects.exists()

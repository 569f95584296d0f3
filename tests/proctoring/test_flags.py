"""Flags: review by EM / HR / auditors in scope, one appeal, voiding a confirmed proxy's hours, the logged image
view, the study pages, and retention of snapshots and evidence."""

import os
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from proctoring.models import Flag, FlagKind, FlagStatus, ImageAccessLog, Snapshot
from proctoring.services import flags as flag_services
from proctoring.services import study
from proctoring.services.retention import purge_expired
from tests.factories import region_tree, staff_user
from tests.proctoring import study_support as support
from tests.proctoring.frames import camera_frame, jpeg_bytes
from tests.training import builders
from training.models import CreditedHours
from training.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(faces_dir):
    """A session of one trainee with 120 s credited by a passed check, and a proxy flag on that check (its
    face is also another account's)."""
    proj = builders.project()
    lesson = support.lesson(proj)
    user = support.student(proj, faces_dir / "obama.jpg")
    twin = support.student(proj, faces_dir / "obama3.jpg")
    session, _ = study.study_session_start(trainee=twin.trainee, lesson=lesson)
    support.elapse(session, 125)
    snap = support.check(session, twin, faces_dir / "obama2.jpg", covers_until=120)
    assert snap.verdict == "match" and snap.credited_seconds == 120
    flag = Flag.objects.get(kind=FlagKind.PROXY, session__isnull=False)  # (the twin was flagged at enrolment too)
    assert flag.matched_trainee == user.trainee
    return proj, twin, session, flag, snap


def test_credit_goes_to_the_ledger_in_whole_seconds(case, faces_dir):
    _proj, twin, session, _flag, _snap = case
    row = CreditedHours.objects.get()
    assert row.source == f"study:{session.pk}:1" and row.seconds == 120
    photo = faces_dir / "obama2.jpg"
    assert support.check(session, twin, photo, covers_until=130).credited_seconds == 10  # under 36 s: kept
    assert support.check(session, twin, photo, covers_until=125).credited_seconds == 0  # replay adds nothing
    assert support.check(session, twin, photo, covers_until=150).credited_seconds == 20
    rows = CreditedHours.objects.order_by("pk").values_list("source", "seconds")
    assert list(rows) == [(f"study:{session.pk}:{n}", s) for n, s in [(1, 120), (2, 10), (4, 20)]]


def test_confirmed_proxy_voids_the_sessions_hours_and_counts_against_the_provider(case):
    proj, _twin, session, flag, _snap = case
    hr = staff_user(Role.HR_OFFICER, region=proj.region)
    flag = flag_services.flag_review(flag=flag, reviewer=hr, confirm=True, reason="同一人脸以两个账号学习")
    assert flag.status == FlagStatus.CONFIRMED and flag.voided_rows == 1
    row = CreditedHours.objects.get()
    assert row.voided_at is not None and f"#{flag.pk}" in row.void_reason
    from proctoring.selectors.study import confirmed_proxies_by_provider

    assert confirmed_proxies_by_provider(hr) == [{"enrollment__project__provider__name": proj.provider.name, "n": 1}]
    with pytest.raises(ValidationError, match="已审核"):
        flag_services.flag_review(flag=flag, reviewer=hr, confirm=False, reason="再审")


def test_review_needs_a_reason_a_reviewer_role_and_scope(case):
    proj, _twin, _session, flag, _snap = case
    hr = staff_user(Role.HR_OFFICER, region=proj.region)
    with pytest.raises(ValidationError, match="审核理由：必须填写"):
        flag_services.flag_review(flag=flag, reviewer=hr, confirm=False, reason=" ")
    far = staff_user(
        Role.EM_OFFICER, region=region_tree(("320000", "江苏省"), ("320700", "连云港市"), ("320703", "连云区"))[1]
    )
    with pytest.raises(PermissionDenied, match="无权审核"):
        flag_services.flag_review(flag=flag, reviewer=far, confirm=True, reason="越权")
    provider = staff_user(Role.PROVIDER_STAFF, provider=proj.provider)
    with pytest.raises(PermissionDenied):
        flag_services.flag_review(flag=flag, reviewer=provider, confirm=False, reason="自查")
    auditor = staff_user(Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        flag_services.flag_review(flag=flag, reviewer=auditor, confirm=False, reason="未分配")
    proj.auditors.add(auditor)
    assert (
        flag_services.flag_review(flag=flag, reviewer=auditor, confirm=False, reason="光线问题").status == "dismissed"
    )
    assert CreditedHours.objects.get().voided_at is None  # dismissed: nothing voided


def test_trainee_appeals_once_after_review(case):
    proj, twin, _session, flag, _snap = case
    with pytest.raises(ValidationError, match="尚未审核"):
        flag_services.flag_appeal(flag=flag, user=twin, text="是我本人")
    em = staff_user(Role.EM_OFFICER, region=proj.region)
    flag_services.flag_review(flag=flag, reviewer=em, confirm=True, reason="代学")
    other = support.student(proj, None)
    with pytest.raises(PermissionDenied, match="只能申诉本人"):
        flag_services.flag_appeal(flag=flag, user=other, text="…")
    flag = flag_services.flag_appeal(flag=flag, user=twin, text="双胞胎兄弟")
    assert flag.appeal_status == "pending"
    with pytest.raises(ValidationError, match="只能申诉一次"):
        flag_services.flag_appeal(flag=flag, user=twin, text="再申诉")
    with pytest.raises(ValidationError, match="须由首次审核人以外的人员处理"):
        flag_services.flag_appeal_decide(flag=flag, user=em, upheld=False, reason="证据充分")
    second = staff_user(Role.HR_OFFICER, region=proj.region)
    flag = flag_services.flag_appeal_decide(flag=flag, user=second, upheld=False, reason="证据充分")
    assert flag.appeal_status == "rejected" and flag.status == FlagStatus.CONFIRMED
    assert (flag.reviewer, flag.appeal_decided_by) == (em, second)


def test_pages_list_in_scope_and_log_every_image_view(case, client):
    proj, twin, _session, flag, snap = case
    hr = staff_user(Role.HR_OFFICER, region=proj.region)
    client.force_login(hr)
    page = client.get(reverse("proctoring:flag-list"))
    assert page.status_code == 200 and f">{flag.pk}</a>" in page.content.decode()
    detail = client.get(reverse("proctoring:flag-detail", args=[flag.pk]))
    assert "疑似代学" in detail.content.decode()
    asked = client.get(reverse("proctoring:snapshot-image", args=[snap.pk]))  # first the reason, as for photos
    assert "查看原因" in asked.content.decode() and not ImageAccessLog.objects.exists()
    image = client.get(reverse("proctoring:snapshot-image", args=[snap.pk]), {"reason": "核对代学"})
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert image.content.startswith(b"\xff\xd8\xff")  # decrypted for the reviewer
    with snap.image.open("rb") as fh:
        assert not fh.read().startswith(b"\xff\xd8\xff")  # encrypted at rest
    log = ImageAccessLog.objects.get()
    assert (log.viewer, log.image_kind, log.image_id, log.trainee) == (hr, "flag_evidence", snap.pk, twin.trainee)
    assert log.reason == "核对代学"
    url = reverse("proctoring:flag-detail", args=[flag.pk])
    step = client.post(url, {"action": "confirm", "reason": "代学"})  # a confirmation step first
    assert step.status_code == 200 and "确定：确认异常" in step.content.decode()
    assert Flag.objects.get(pk=flag.pk).status == "open"
    response = client.post(url, {"action": "confirm", "reason": "代学", "confirmed": "1"})
    assert response.status_code == 302
    assert Flag.objects.get(pk=flag.pk).status == "confirmed"
    # the trainee sees their flag but never the image, nor who the face matched
    client.force_login(twin)
    assert client.get(reverse("proctoring:snapshot-image", args=[snap.pk])).status_code == 403
    mine = client.get(reverse("proctoring:flag-detail", args=[flag.pk])).content.decode()
    assert "提交申诉" in mine and str(proj.provider) not in mine and "相符的其他学员" not in mine
    # out of scope: 404, as for a guessed id
    far = staff_user(
        Role.HR_OFFICER,
        region=region_tree(("640000", "宁夏回族自治区"), ("640100", "银川市"), ("640181", "灵武市"))[1],
    )
    client.force_login(far)
    assert client.get(reverse("proctoring:flag-detail", args=[flag.pk])).status_code == 404
    assert client.get(reverse("proctoring:snapshot-image", args=[snap.pk])).status_code == 404


def test_study_pages(case, client, faces_dir):
    proj, twin, session, _flag, _snap = case
    client.force_login(twin)
    listing = client.get(reverse("proctoring:study-list")).content.decode()
    assert session.lesson.title in listing and "必学" in listing
    page = client.get(reverse("proctoring:study", args=[session.lesson.pk])).content.decode()
    assert f'data-ws="/ws/study/{session.lesson.pk}/"' in page and "js/study.js" in page
    nobody = support.student(proj, None)
    client.force_login(nobody)
    refused = client.get(reverse("proctoring:study", args=[session.lesson.pk])).content.decode()
    assert "尚未采集人脸基准照片" in refused


def test_snapshot_upload_view(case, client, faces_dir, django_capture_on_commit_callbacks):
    _proj, twin, session, _flag, _snap = case
    snap = study.snapshot_request(session_id=session.pk, covers_until=0)
    client.force_login(twin)
    url = reverse("proctoring:snapshot-upload", args=[snap.pk])
    assert client.post(url, {}).json() == {"error": "抓拍：缺少图像"}
    frame = jpeg_bytes(camera_frame(faces_dir / "obama2.jpg", index=3))
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"image": SimpleUploadedFile("s.jpg", frame, "image/jpeg")})
    assert response.status_code == 202
    assert Snapshot.objects.get(pk=snap.pk).verdict == "match"


def test_retention_unflagged_after_24h_evidence_after_case_closed(case, settings):
    proj, _twin, session, flag, evidence = case
    plain = study.snapshot_request(session_id=session.pk, covers_until=0)
    taken = timezone.now()
    Snapshot.objects.filter(pk=plain.pk).update(taken_at=taken)
    assert purge_expired(now=taken + timedelta(hours=23, minutes=59))["snapshots"] == 0
    counts = purge_expired(now=taken + timedelta(hours=24, seconds=1))
    assert counts["snapshots"] == 1 and not Snapshot.objects.filter(pk=plain.pk).exists()
    assert Snapshot.objects.filter(pk=evidence.pk).exists()  # evidence of an open flag stays
    hr = staff_user(Role.HR_OFFICER, region=proj.region)
    flag = flag_services.flag_review(flag=flag, reviewer=hr, confirm=True, reason="代学")
    closed = flag.reviewed_at + timedelta(days=settings.FLAG_APPEAL_DAYS)
    keep = timedelta(days=settings.FLAG_EVIDENCE_RETENTION_DAYS)
    assert purge_expired(now=closed + keep - timedelta(seconds=1))["flag_evidence_images"] == 0
    assert purge_expired(now=closed + keep + timedelta(seconds=1))["flag_evidence_images"] == 1
    evidence.refresh_from_db()
    assert not evidence.image and evidence.verdict == "match"  # the record of the case stays


def test_withdrawing_consent_deletes_unflagged_snapshots_and_keeps_evidence(case, faces_dir):
    from proctoring.services.consent import consent_withdraw

    _proj, twin, session, flag, evidence = case
    later = study.snapshot_request(session_id=session.pk, covers_until=150)
    study.snapshot_upload(
        snapshot_id=later.pk, user=twin, image_bytes=jpeg_bytes(camera_frame(faces_dir / "obama3.jpg"))
    )
    later.refresh_from_db()
    image_path = later.image.path

    row = consent_withdraw(trainee=twin.trainee)

    assert not Snapshot.objects.filter(pk=later.pk).exists()
    assert not os.path.exists(image_path)
    assert Snapshot.objects.filter(pk=evidence.pk).exclude(image="").exists()  # the flag's evidence stays
    assert row.deleted_photos == 2  # the enrolment photo and the unflagged snapshot


def test_upheld_appeal_credits_the_voided_hours_again(case):
    proj, twin, session, flag, _snap = case

    def live_hours():
        return sum(
            r.seconds for r in CreditedHours.objects.filter(enrollment=session.enrollment, voided_at__isnull=True)
        )

    credited = live_hours()
    assert credited > 0
    em = staff_user(Role.EM_OFFICER, region=proj.region)
    flag = flag_services.flag_review(flag=flag, reviewer=em, confirm=True, reason="代学")
    assert live_hours() == 0
    flag = flag_services.flag_appeal(flag=flag, user=twin, text="双胞胎兄弟，确为本人学习")
    hr = staff_user(Role.HR_OFFICER, region=proj.region)
    flag = flag_services.flag_appeal_decide(flag=flag, user=hr, upheld=True, reason="回访核实为本人")

    assert flag.status == FlagStatus.DISMISSED
    assert live_hours() == credited
    # append-only: the voided row remains as the record of what happened
    assert CreditedHours.objects.filter(enrollment=session.enrollment, voided_at__isnull=False).count() == 1


def test_the_first_reviewer_cannot_decide_the_appeal_against_his_own_review_on_the_page(case, client):
    """Issue 7 finding 12: the appeal is decided by someone other than the officer who confirmed the flag."""
    proj, twin, _session, flag, _snap = case
    first = staff_user(Role.HR_OFFICER, region=proj.region)
    url = reverse("proctoring:flag-detail", args=[flag.pk])
    client.force_login(first)
    client.post(url, {"action": "confirm", "reason": "代学", "confirmed": "1"})  # the second step of confirming
    client.force_login(twin)
    client.post(url, {"action": "appeal", "text": "双胞胎兄弟，确为本人学习"})
    assert Flag.objects.get(pk=flag.pk).appeal_status == "pending"

    client.force_login(first)
    response = client.post(url, {"action": "reject", "reason": "维持原审核"}, follow=True)
    assert "须由首次审核人以外的人员处理" in " ".join(str(m) for m in response.context["messages"])
    assert Flag.objects.get(pk=flag.pk).appeal_status == "pending"
    # the flag admin is read-only: no door there to decide it either
    assert client.post(f"/admin/proctoring/flag/{flag.pk}/change/", {"appeal_status": "rejected"}).status_code == 403

    second = staff_user(Role.EM_OFFICER, region=proj.region)
    client.force_login(second)
    client.post(url, {"action": "reject", "reason": "证据充分"})
    flag.refresh_from_db()
    assert (flag.appeal_status, flag.reviewer, flag.appeal_decided_by) == ("rejected", first, second)


def test_an_unknown_action_is_an_error_not_saved(case, client):
    """Issue 7, finding 14: a mistyped or forged action used to answer "已保存" and save nothing."""
    proj, _twin, _session, flag, _snap = case
    client.force_login(staff_user(Role.HR_OFFICER, region=proj.region))
    response = client.post(
        reverse("proctoring:flag-detail", args=[flag.pk]), {"action": "confirmm", "reason": "代学"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["未知的操作“confirmm”，未保存任何内容"]
    assert Flag.objects.get(pk=flag.pk).status == flag.status

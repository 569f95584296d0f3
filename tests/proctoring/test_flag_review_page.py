"""The reviewer's flag page (issue 8): the reference photo beside the snapshot (or a note that it was purged), each
image view logged with the reviewer's reason, the distance against the tolerance in words, the session's
timeline, a two-step confirm or dismiss, a back link; the trainee's home says a flag concerns them."""

import re

import pytest
from django.urls import reverse

from proctoring.models import EnrolmentPhoto, Flag, ImageAccessLog
from proctoring.selectors.review import distance_words
from tests.factories import staff_user
from tests.proctoring.test_flags import case  # noqa: F401  (the fixture: a proxy flag with its evidence)
from training.roles import Role

pytestmark = pytest.mark.django_db


def test_distance_is_put_in_words_against_the_tolerance():
    assert distance_words(0.842, 0.6) == "与本人照片差异 0.84，阈值 0.60：明显不是同一人"
    assert distance_words(0.65, 0.6) == "与本人照片差异 0.65，阈值 0.60：略超阈值，可能不是同一人，请比对照片"
    assert distance_words(0.31, 0.6) == "与本人照片差异 0.31，阈值 0.60：在阈值内，判为同一人"
    assert distance_words(0.35, 0.6, own=False) == "与另一学员照片差异 0.35，阈值 0.60：明显是同一张脸（疑似代学）"
    assert distance_words(None, 0.6) == "无人脸距离（未检测到可比对的人脸）"


def test_the_reviewer_sees_photos_words_and_timeline_and_each_image_view_is_logged(case, client):  # noqa: F811
    proj, twin, _session, flag, snap = case
    hr = staff_user(Role.HR_OFFICER, region=proj.region)
    client.force_login(hr)
    url = reverse("proctoring:flag-detail", args=[flag.pk])
    page = client.get(url).content.decode()
    assert f'href="{reverse("proctoring:flag-list")}"' in page  # back link
    assert "与另一学员照片差异" in page and "阈值 0.60" in page
    assert "第 1 次核验" in page and "计入线上学时" in page  # the timeline
    assert "<img" not in page  # no image before a reason is given
    page = client.get(url, {"reason": "核对代学嫌疑"}).content.decode()
    photo = EnrolmentPhoto.objects.filter(trainee=twin.trainee).latest("created_at")
    sources = re.findall(r'<img src="([^"]+)"', page)
    assert any(reverse("proctoring:enrolment-photo", args=[photo.pk]) in s for s in sources)
    assert any(reverse("proctoring:snapshot-image", args=[snap.pk]) in s for s in sources)
    for source in sources:
        assert client.get(source.replace("&amp;", "&")).status_code == 200
    assert set(ImageAccessLog.objects.values_list("reason", flat=True)) == {"核对代学嫌疑"}
    assert ImageAccessLog.objects.count() == len(sources)
    EnrolmentPhoto.objects.all().delete()  # what retention does after 7 days
    page = client.get(url, {"reason": "再看"}).content.decode()
    assert "本人采集照片已按保存期限（采集后 7 天）删除" in page


def test_dismiss_takes_two_steps_and_the_trainee_home_names_the_flag(case, client):  # noqa: F811
    proj, twin, _session, flag, _snap = case
    client.force_login(twin)
    home = client.get(reverse("home")).content.decode()
    assert "条学习核验异常与您有关" in home and reverse("proctoring:my-flags") in home
    mine = client.get(reverse("proctoring:flag-detail", args=[flag.pk])).content.decode()
    assert "正在审核中" in mine
    client.force_login(staff_user(Role.EM_OFFICER, region=proj.region))
    url = reverse("proctoring:flag-detail", args=[flag.pk])
    step = client.post(url, {"action": "dismiss", "reason": "光线问题"}).content.decode()
    assert "排除这条异常？" in step and Flag.objects.get(pk=flag.pk).status == "open"
    client.post(url, {"action": "dismiss", "reason": "光线问题", "confirmed": "1"})
    assert Flag.objects.get(pk=flag.pk).status == "dismissed"

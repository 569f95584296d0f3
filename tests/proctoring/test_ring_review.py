"""The province's review of a proxy ring, through its pages: real photos, the nightly job, then the decision.
Confirming opens one proxy flag per member enrolment (the ordinary per-account review); dismissing closes it."""

import pytest
from django.urls import reverse

from proctoring.models import Flag, FlagKind, FlagStatus, ProxyRing, RingStatus
from proctoring.rings import rings_run
from tests.factories import ProviderFactory, region_tree, staff_user
from tests.proctoring import study_support as support
from tests.training import builders
from training.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ring(faces_dir):
    """obama.jpg and obama3.jpg (one person) under two accounts of two providers in Shandong; biden alone."""
    shandong, dongying, _ = region_tree()
    _, qingdao, _ = region_tree(city=("370200", "青岛市"), county=("370202", "市南区"))
    first, second = ProviderFactory(region=dongying, name="甲培训中心"), ProviderFactory(region=qingdao, name="乙学校")
    one = support.student(builders.project(region=dongying, provider=first), faces_dir / "obama.jpg")
    two = support.student(builders.project(region=qingdao, provider=second), faces_dir / "obama3.jpg")
    support.student(builders.project(region=dongying, provider=first), faces_dir / "biden.jpg")
    assert rings_run()["370000"] == 1
    return ProxyRing.objects.get(), one, two


@pytest.fixture
def province_hr(ring):
    shandong = ring[0].province
    return staff_user(Role.HR_OFFICER, region=shandong)


def _client(client, user):
    client.force_login(user)
    return client


def test_province_reviewer_sees_the_ring_with_its_accounts_providers_and_distance(client, ring, province_hr):
    the_ring, _one, _two = ring
    page = _client(client, province_hr).get(reverse("proctoring:ring-list")).content.decode()
    assert reverse("proctoring:ring-detail", args=[the_ring.pk]) in page
    assert "甲培训中心" in page and "乙学校" in page
    detail = client.get(reverse("proctoring:ring-detail", args=[the_ring.pk])).content.decode()
    assert f"{the_ring.links[0]['distance']:.3f}" in detail
    assert 'id="ring-review-form"' in detail
    home = client.get("/").content.decode()
    assert reverse("proctoring:ring-list") in home  # the next step on the reviewer's home page


def test_a_city_officer_and_provider_staff_cannot_open_the_province_ring(client, ring):
    the_ring, _one, _two = ring
    dongying = the_ring.province.children.get(code="370500")
    city_hr = staff_user(Role.HR_OFFICER, region=dongying)
    _client(client, city_hr)
    assert (
        reverse("proctoring:ring-detail", args=[the_ring.pk])
        not in client.get(reverse("proctoring:ring-list")).content.decode()
    )
    assert client.get(reverse("proctoring:ring-detail", args=[the_ring.pk])).status_code == 404
    response = client.post(
        reverse("proctoring:ring-detail", args=[the_ring.pk]), {"action": "confirm", "reason": "同一人"}
    )
    assert response.status_code == 404
    provider = ProviderFactory(region=dongying)
    client.force_login(staff_user(Role.PROVIDER_STAFF, provider=provider))
    assert client.get(reverse("proctoring:ring-list")).status_code == 403
    the_ring.refresh_from_db()
    assert the_ring.status == RingStatus.OPEN and not Flag.objects.filter(ring=the_ring).exists()


def test_confirming_without_a_reason_is_refused_and_writes_nothing(client, ring, province_hr):
    the_ring, _one, _two = ring
    url = reverse("proctoring:ring-detail", args=[the_ring.pk])
    page = _client(client, province_hr).post(url, {"action": "confirm", "reason": "  "}, follow=True)
    assert "审核理由：必须填写" in page.content.decode()
    the_ring.refresh_from_db()
    assert the_ring.status == RingStatus.OPEN and not Flag.objects.filter(ring=the_ring).exists()


def test_confirming_opens_one_proxy_flag_per_member_enrolment_for_the_ordinary_review(client, ring, province_hr):
    the_ring, one, two = ring
    url = reverse("proctoring:ring-detail", args=[the_ring.pk])
    decision = {"action": "confirm", "reason": "两个账号同一人，跨机构"}
    page = _client(client, province_hr).post(url, decision, follow=True)
    assert "开立了代学异常" in page.content.decode()
    the_ring.refresh_from_db()
    assert the_ring.status == RingStatus.CONFIRMED and the_ring.reviewer == province_hr
    assert the_ring.review_reason == "两个账号同一人，跨机构"
    flags = list(Flag.objects.filter(ring=the_ring).order_by("pk"))
    assert sorted(f.enrollment.trainee_id for f in flags) == sorted([one.trainee_id, two.trainee_id])
    assert all(f.kind == FlagKind.PROXY and f.status == FlagStatus.OPEN for f in flags)
    # each names the other account as the face it matched, with the ring's distance
    assert {f.enrollment.trainee_id: f.matched_trainee_id for f in flags} == {
        one.trainee_id: two.trainee_id,
        two.trainee_id: one.trainee_id,
    }
    assert all(f.matched_distance == pytest.approx(the_ring.min_distance) for f in flags)
    flag_list = client.get(reverse("proctoring:flag-list")).content.decode()
    assert f"代学团伙 #{the_ring.pk}" in flag_list
    flag_page = client.get(reverse("proctoring:flag-detail", args=[flags[0].pk])).content.decode()
    assert reverse("proctoring:ring-detail", args=[the_ring.pk]) in flag_page

    again = client.post(url, {"action": "dismiss", "reason": "改主意"}, follow=True).content.decode()
    assert "该记录已审核" in again
    the_ring.refresh_from_db()
    assert the_ring.status == RingStatus.CONFIRMED

    assert rings_run()["370000"] == 1  # found again the next night: same row, still confirmed, no new flags
    assert ProxyRing.objects.get().status == RingStatus.CONFIRMED
    assert Flag.objects.filter(ring=the_ring).count() == 2


def test_dismissing_closes_the_ring_without_flags_and_the_same_members_do_not_reopen_it(client, ring, province_hr):
    the_ring, _one, _two = ring
    url = reverse("proctoring:ring-detail", args=[the_ring.pk])
    _client(client, province_hr).post(url, {"action": "dismiss", "reason": "双胞胎，已核实身份证"})
    the_ring.refresh_from_db()
    assert the_ring.status == RingStatus.DISMISSED and not Flag.objects.filter(ring=the_ring).exists()
    rings_run()
    assert ProxyRing.objects.get().status == RingStatus.DISMISSED
    assert "没有记录" in client.get(reverse("proctoring:ring-list")).content.decode()  # nothing open

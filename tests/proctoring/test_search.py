"""The per-worker search of proctoring.search on real faces: the same answers as decrypting the whole scope for
every snapshot, and a template change (re-enrolment, withdrawal) is seen by the very next search."""

import pytest

from proctoring import faces, search
from proctoring.models import FaceSearchScope
from proctoring.services.consent import consent_withdraw
from proctoring.services.enrolment import face_enrol
from proctoring.services.snapshots import proxy_candidates
from proctoring.services.template_review import template_review_decide
from tests.factories import staff_user
from tests.proctoring import study_support as support
from tests.training import builders
from training.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    search.cache_clear()
    yield
    search.cache_clear()


@pytest.fixture
def probe(faces_dir):
    return faces.reference_encoding(faces_dir / "obama2.jpg")


def _session(user):
    enrollment = user.trainee.enrollments.select_related("project").get()
    return type("S", (), {"enrollment": enrollment, "trainee_id": user.trainee_id})()


def test_same_answer_as_decrypting_the_scope_for_every_snapshot(faces_dir, probe):
    proj = builders.project()
    me = support.student(proj, faces_dir / "alex-lacamoire.png")
    twin = support.student(proj, faces_dir / "obama.jpg")
    support.student(proj, faces_dir / "biden.jpg")
    same_provider = support.student(builders.project(provider=proj.provider), faces_dir / "obama3.jpg")
    support.student(builders.project(), faces_dir / "obama-480p.jpg")  # another provider: out of scope

    found = search.nearest_in_scope(probe, project=proj, exclude_trainee_id=me.trainee_id)
    today = faces.nearest_templates(probe, proxy_candidates(_session(me)))
    assert [k for k, _d in found] == [k for k, _d in today]
    assert {k for k, _d in found} == {same_provider.trainee_id, twin.trainee_id}
    assert [round(d, 5) for _k, d in found] == [round(d, 5) for _k, d in today]
    assert search.cache_info() == {"scopes": 1, "templates": 4}  # the provider's four templates, none other


def test_own_template_is_never_a_match(faces_dir, probe):
    proj = builders.project()
    me = support.student(proj, faces_dir / "obama.jpg")
    assert search.nearest_in_scope(probe, project=proj, exclude_trainee_id=me.trainee_id) == []


def test_replaced_and_withdrawn_templates_are_not_matched_by_the_next_search(faces_dir, probe):
    proj = builders.project()
    me = support.student(proj, faces_dir / "alex-lacamoire.png")
    other = support.student(proj, faces_dir / "obama.jpg")
    third = support.student(proj, faces_dir / "obama3.jpg")
    key = search.scope_of(proj)
    found = search.nearest_in_scope(probe, project=proj, exclude_trainee_id=me.trainee_id)
    assert {k for k, _d in found} == {other.trainee_id, third.trainee_id}
    version = search.scope_version(key)

    # Re-enrolment with another face: held for review, then approved (the template is replaced in place).
    review = face_enrol(trainee=third.trainee, image_bytes=(faces_dir / "biden.jpg").read_bytes(), actor=third)
    assert search.scope_version(key) == version  # held: the template has not changed yet
    reviewer = staff_user(Role.HR_OFFICER, region=proj.region)
    template_review_decide(review=review, reviewer=reviewer, approve=True, reason="本人换了新照片，已电话核实")
    assert search.scope_version(key) == version + 1
    found = search.nearest_in_scope(probe, project=proj, exclude_trainee_id=me.trainee_id)
    assert [k for k, _d in found] == [other.trainee_id]

    consent_withdraw(trainee=other.trainee)
    assert search.scope_version(key) == version + 2
    assert search.nearest_in_scope(probe, project=proj, exclude_trainee_id=me.trainee_id) == []
    assert search.cache_info() == {"scopes": 1, "templates": 2}  # the withdrawn template left memory


def test_every_scope_of_the_trainee_is_bumped(faces_dir):
    proj = builders.project()
    user = support.student(proj, faces_dir / "obama.jpg")
    assert set(FaceSearchScope.objects.values_list("kind", "object_id", "version")) == {
        ("project", proj.pk, 1),
        ("provider", proj.provider_id, 1),
    }
    consent_withdraw(trainee=user.trainee)
    assert set(FaceSearchScope.objects.values_list("version", flat=True)) == {2}


def test_a_match_who_left_the_scope_is_not_reported(faces_dir, probe):
    from training.models import Enrollment

    proj = builders.project()
    me = support.student(proj, faces_dir / "alex-lacamoire.png")
    other = support.student(proj, faces_dir / "obama.jpg")
    assert search.nearest_in_scope(probe, project=proj, exclude_trainee_id=me.trainee_id)[0][0] == other.trainee_id
    Enrollment.objects.filter(trainee=other.trainee).delete()  # off the roster, no template change
    assert search.nearest_in_scope(probe, project=proj, exclude_trainee_id=me.trainee_id) == []

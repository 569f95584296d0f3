"""Proxy rings across a province (proctoring.rings): generated templates for the clustering, real photos for the
job end to end (face_recognition never mocked)."""

import numpy as np
import pytest

from proctoring.models import ProxyRing, RingStatus
from proctoring.rings import close_pairs, clusters, rings_run
from proctoring.services.consent import consent_give
from proctoring.services.enrolment import face_enrol
from proctoring.tasks import proxy_rings_task
from tests.factories import EnterpriseFactory, ProviderFactory, region_tree, staff_user
from tests.proctoring import study_support as support
from tests.training import builders
from training.roles import Role
from training.scope import visible
from training.services.enrollments import enrollment_create

SIGMA = 0.85 / np.sqrt(2 * 128)  # two people ≈ 0.85 apart, like dlib's different-people distances
TAU = 0.35 / np.sqrt(2 * 128)  # one face enrolled twice ≈ 0.35 apart


def generated(n: int, sizes: list[int], seed: int = 3):
    rng = np.random.default_rng(seed)
    matrix = rng.normal(0, SIGMA, (n, 128)).astype(np.float32)
    rows, at, planted = rng.permutation(n), 0, []
    for size in sizes:
        group = sorted(int(r) for r in rows[at : at + size])
        at += size
        base = matrix[group[0]].copy()
        for r in group:
            matrix[r] = base + rng.normal(0, TAU, 128).astype(np.float32)
        planted.append(group)
    return matrix, planted


@pytest.mark.parametrize("exact_max", [10_000, 0], ids=["exact", "ivf"])
def test_planted_rings_are_found_and_no_false_ring_among_unrelated_faces(exact_max):
    matrix, planted = generated(6000, [2, 3, 4, 2, 5, 2, 3])
    firsts, seconds, distances = close_pairs(matrix, 0.5, exact_max=exact_max)
    assert sorted(clusters(len(matrix), firsts, seconds)) == sorted(planted)
    assert distances.max() <= 0.5 and distances.min() > 0.2


def test_unrelated_faces_alone_make_no_ring():
    matrix, _ = generated(5000, [])
    firsts, _seconds, _d = close_pairs(matrix, 0.5, exact_max=10_000)
    assert len(firsts) == 0


def test_chained_pairs_are_one_ring():
    matrix = np.zeros((4, 128), dtype=np.float32)
    matrix[1, 0], matrix[2, 0], matrix[3, 0] = 0.4, 0.8, 5.0  # 0–1 and 1–2 close, 0–2 not, 3 far away
    firsts, seconds, _d = close_pairs(matrix, 0.5, exact_max=10)
    assert clusters(4, firsts, seconds) == [[0, 1, 2]]


@pytest.mark.django_db
def test_same_person_under_two_accounts_in_two_projects_of_one_province_is_one_ring(faces_dir):
    shandong, dongying, _ = region_tree()
    _, qingdao, _ = region_tree(city=("370200", "青岛市"), county=("370202", "市南区"))
    jiangsu, lianyungang, _ = region_tree(("320000", "江苏省"), ("320700", "连云港市"), ("320703", "连云区"))
    first_provider, second_provider = ProviderFactory(region=dongying), ProviderFactory(region=qingdao)
    one = support.student(builders.project(region=dongying, provider=first_provider), faces_dir / "obama.jpg")
    two = support.student(builders.project(region=qingdao, provider=second_provider), faces_dir / "obama3.jpg")
    support.student(builders.project(region=dongying, provider=first_provider), faces_dir / "biden.jpg")
    other_province = builders.project(region=lianyungang)
    jiangsu_trainee = builders.trainee(enterprise=EnterpriseFactory(region=lianyungang))
    enrollment_create(project=other_province, trainee=jiangsu_trainee)
    consent_give(trainee=jiangsu_trainee)
    face_enrol(trainee=jiangsu_trainee, image_bytes=(faces_dir / "biden2.jpg").read_bytes())  # another province

    assert rings_run() == {"320000": 0, "370000": 1}
    ring = ProxyRing.objects.get()
    assert ring.province == shandong and ring.size == 2 and ring.status == RingStatus.OPEN
    assert [m["trainee"] for m in ring.members] == sorted([one.trainee_id, two.trainee_id])
    providers = {name for m in ring.members for name in m["providers"]}
    assert providers == {first_provider.name, second_provider.name}
    assert len(ring.links) == 1 and ring.links[0]["distance"] == ring.min_distance < 0.5

    assert proxy_rings_task() == {"320000": 0, "370000": 1}  # found again the next night: the same flag
    assert ProxyRing.objects.count() == 1

    province_hr = staff_user(Role.HR_OFFICER, region=shandong)
    city_hr = staff_user(Role.HR_OFFICER, region=dongying)
    jiangsu_em = staff_user(Role.EM_OFFICER, region=jiangsu)
    assert list(visible(province_hr, ProxyRing.objects.all())) == [ring]
    assert not visible(city_hr, ProxyRing.objects.all()).exists()
    assert not visible(jiangsu_em, ProxyRing.objects.all()).exists()

"""Proxy rings across a province: one face enrolled under several accounts, across providers and projects.

The per-snapshot search (proctoring.search) looks only inside one provider or project; an organised proxy ring
spreads its accounts over several. Each night (Celery beat, proctoring.tasks.proxy_rings_task) every province's
templates are compared all against all with faiss:

* up to FACE_RING_EXACT_MAX templates (default 100,000: the exact pass grows with n²) an exact index
  (IndexFlatL2, every pair compared);
* above it an IVF index (IndexIVFFlat, about 8·√n lists, FACE_RING_NPROBE lists searched per face), whose recall
  against the exact search is measured by bench/face_search.py.

Two templates closer than FACE_RING_TOLERANCE are one face. Comparing one face with a whole province (1:N) makes
an accidental match N times likelier than one 1:1 check, so the ring tolerance is stricter than the check's
(default 0.5; same person photo to photo on ../shared/faces: 0.05–0.43). The accounts sharing a face (connected
components of those pairs) become one ProxyRing for the province's reviewers, listing accounts, providers,
projects and distances. A ring found again updates its row; a reviewed ring is not reopened by the same members.
The decrypted matrix lives only in the job's memory.
"""

from __future__ import annotations

import hashlib
import logging
import math

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q

logger = logging.getLogger(__name__)

MAX_LINKS_LISTED = 100


def ring_tolerance() -> float:
    return float(getattr(settings, "FACE_RING_TOLERANCE", 0.5))


# --- Finding pairs and clusters (pure: arrays in, arrays out) ---


def _exact_index(matrix: np.ndarray):
    import faiss

    index = faiss.IndexFlatL2(matrix.shape[1])
    index.add(matrix)
    return index


def _ivf_index(matrix: np.ndarray, nprobe: int):
    """IVF with about 8·√n lists, trained on 32 faces a list (10 k-means rounds: training stays a small part)."""
    import faiss

    n, dim = matrix.shape
    nlist = max(1, min(int(8 * math.sqrt(n)), n // 32))
    quantizer = faiss.IndexFlatL2(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist)
    index.cp.niter = 10
    index.cp.min_points_per_centroid = 1  # no warning for the deliberately small training sample
    sample = matrix[np.random.default_rng(0).choice(n, size=min(n, nlist * 32), replace=False)]
    index.train(sample)
    index.add(matrix)
    index.nprobe = nprobe
    return index


def close_pairs(
    matrix: np.ndarray, radius: float, *, exact_max: int | None = None, nprobe: int | None = None, batch=8192
):
    """Every pair (i < j) of rows of `matrix` within `radius` (L2): arrays (i, j, distance). Exact below
    `exact_max` rows, IVF above."""
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    n = len(matrix)
    if n < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32)
    exact_max = int(getattr(settings, "FACE_RING_EXACT_MAX", 100_000)) if exact_max is None else exact_max
    nprobe = int(getattr(settings, "FACE_RING_NPROBE", 32)) if nprobe is None else nprobe
    index = _exact_index(matrix) if n <= exact_max else _ivf_index(matrix, nprobe)
    firsts, seconds, distances = [], [], []
    for start in range(0, n, batch):
        lims, squared, ids = index.range_search(matrix[start : start + batch], radius * radius)
        rows = np.repeat(np.arange(start, start + len(lims) - 1), np.diff(lims).astype(np.int64))
        # Both directions: with IVF, i may find j when j does not find i (they sit in different lists).
        keep = rows != ids
        firsts.append(np.minimum(rows[keep], ids[keep]))
        seconds.append(np.maximum(rows[keep], ids[keep]))
        distances.append(np.sqrt(np.maximum(squared[keep], 0)))
    firsts, seconds, distances = np.concatenate(firsts), np.concatenate(seconds), np.concatenate(distances)
    _pairs, unique = np.unique(np.stack([firsts, seconds]), axis=1, return_index=True)
    return firsts[unique], seconds[unique], distances[unique]


def clusters(n: int, firsts: np.ndarray, seconds: np.ndarray) -> list[list[int]]:
    """Connected components of size ≥ 2 of the graph with `n` nodes and the given edges (union-find)."""
    parent = np.arange(n)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in zip(firsts.tolist(), seconds.tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for node in set(firsts.tolist()) | set(seconds.tolist()):
        groups.setdefault(root(node), []).append(node)
    return sorted((sorted(group) for group in groups.values()), key=lambda g: g[0])


# --- A province's templates and its ring flags ---


def province_trainees(province):
    """Trainees of the province: their enterprise is in it, or they are on a roster of one of its projects."""
    from training.models import Trainee
    from training.scope import region_subtree

    regions = region_subtree(province)
    return Trainee.objects.filter(
        Q(enterprise__region__in=regions) | Q(enrollments__project__region__in=regions)
    ).values("pk")


def province_templates(province) -> tuple[np.ndarray, np.ndarray]:
    """(trainee ids, float32 matrix) of every template of the province's trainees, decrypted in memory only."""
    from proctoring.crypto import decrypt_template
    from proctoring.models import FaceTemplate

    rows = list(
        FaceTemplate.objects.filter(trainee_id__in=province_trainees(province))
        .order_by("trainee_id")
        .values_list("trainee_id", "encrypted")
        .iterator(chunk_size=5000)
    )
    matrix = np.empty((len(rows), 128), dtype=np.float32)
    for i, (_trainee, token) in enumerate(rows):
        matrix[i] = decrypt_template(bytes(token))
    return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)), matrix


def _members(trainee_ids: list[int]) -> list[dict]:
    from training.models import Enrollment, Trainee

    names = dict(Trainee.objects.filter(pk__in=trainee_ids).values_list("pk", "name"))
    rosters: dict[int, dict] = {pk: {"providers": set(), "projects": set()} for pk in trainee_ids}
    for trainee_id, provider, code in Enrollment.objects.filter(trainee_id__in=trainee_ids).values_list(
        "trainee_id", "project__provider__name", "project__code"
    ):
        if provider:
            rosters[trainee_id]["providers"].add(provider)
        rosters[trainee_id]["projects"].add(code)
    return [
        {
            "trainee": pk,
            "name": names.get(pk, ""),
            "providers": sorted(rosters[pk]["providers"]),
            "projects": sorted(rosters[pk]["projects"]),
        }
        for pk in trainee_ids
    ]


def _ring_key(trainee_ids: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(trainee_ids))).encode()).hexdigest()[:64]


@transaction.atomic
def ring_record(*, province, trainee_ids: list[int], links: list[tuple[int, int, float]]):
    """One flag for one cluster of accounts sharing a face: created, or refreshed when found again."""
    from proctoring.models import ProxyRing

    trainee_ids = sorted(trainee_ids)
    listed = sorted(links, key=lambda link: link[2])[:MAX_LINKS_LISTED]
    values = {
        "members": _members(trainee_ids),
        "links": [{"a": a, "b": b, "distance": round(d, 4)} for a, b, d in listed],
        "size": len(trainee_ids),
        "min_distance": round(min(d for _a, _b, d in links), 4),
    }
    ring, _created = ProxyRing.objects.select_for_update().update_or_create(
        province=province, key=_ring_key(trainee_ids), defaults=values
    )
    return ring


def province_rings(province) -> list:
    """Find and record the province's rings; returns the ProxyRing rows found this run."""
    trainee_ids, matrix = province_templates(province)
    firsts, seconds, distances = close_pairs(matrix, ring_tolerance())
    by_cluster: dict[int, list[tuple[int, int, float]]] = {}
    groups = clusters(len(matrix), firsts, seconds)
    cluster_of = {node: c for c, group in enumerate(groups) for node in group}
    for a, b, d in zip(firsts.tolist(), seconds.tolist(), distances.tolist(), strict=True):
        by_cluster.setdefault(cluster_of[a], []).append((int(trainee_ids[a]), int(trainee_ids[b]), float(d)))
    rings = [
        ring_record(province=province, trainee_ids=[int(trainee_ids[i]) for i in group], links=by_cluster[c])
        for c, group in enumerate(groups)
    ]
    logger.info("proxy rings of %s: %d templates, %d rings", province.code, len(matrix), len(rings))
    return rings


def rings_run() -> dict[str, int]:
    """The nightly job: every province. Returns {province code: rings found}."""
    from training.models import Region, RegionLevel

    return {
        province.code: len(province_rings(province))
        for province in Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code")
    }

"""Search of a study snapshot's face against the other trainees' templates of its scope (organised proxy study).

The scope is the one of SPEC 三(三) flags: everyone on a roster of the same project or of the same provider. A
project with a provider is searched over the whole provider (its rosters include the project's); a project applied
for by a park alone, over its own roster. Scope key: ("provider", id) or ("project", id).

Each worker process keeps, per scope, an in-memory float32 matrix of the decrypted templates and finds every
template within tolerance with one matrix product. The matrix lives only in this process's memory: it is never
written to disk, to a log (only counts are logged) or to the cache server.

Freshness: every change of a template (enrolment, replacement, consent withdrawal, purge) calls `scope_bump` in
the same transaction, which increments the FaceSearchScope counter of every scope the trainee is in. Before each
search the worker reads the scope's counter (one indexed query) and reloads the scope when it differs, so once the
change has committed no search matches the withdrawn or replaced template. The counter is read BEFORE the
templates are loaded: a change committing in between leaves a newer matrix under an older number, which only
costs one extra reload. Roster changes (a trainee joining or leaving a project) are not template changes: they are
picked up after FACE_SEARCH_MAX_AGE_SECONDS, and every match is confirmed against the database before it is
returned, so a trainee who has left the scope is never reported.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import F

from proctoring import faces

logger = logging.getLogger(__name__)

ScopeKey = tuple[str, int]


@dataclass
class _Loaded:
    version: int
    loaded_at: float
    template_ids: np.ndarray  # int64, one per row
    trainee_ids: np.ndarray  # int64, one per row
    matrix: np.ndarray  # float32 (n, 128)
    sq_norms: np.ndarray  # float32 (n,): |t|², so |q - t|² = |q|² - 2 q·t + |t|²

    @property
    def size(self) -> int:
        return len(self.template_ids)


_scopes: OrderedDict[ScopeKey, _Loaded] = OrderedDict()  # least recently used first
_lock = threading.Lock()


# --- Scopes and their versions ---


def scope_of(project) -> ScopeKey:
    from proctoring.models import ScopeKind

    if project.provider_id:
        return (ScopeKind.PROVIDER.value, project.provider_id)
    return (ScopeKind.PROJECT.value, project.pk)


def _rosters(key: ScopeKey):
    """The trainee ids on the scope's rosters (a subquery)."""
    from training.models import Enrollment

    kind, object_id = key
    if kind == "provider":
        return Enrollment.objects.filter(project__provider_id=object_id).values("trainee_id")
    return Enrollment.objects.filter(project_id=object_id).values("trainee_id")


def _scopes_of_trainee(trainee_id: int) -> list[ScopeKey]:
    from training.models import Enrollment

    keys = set()
    for project_id, provider_id in Enrollment.objects.filter(trainee_id=trainee_id).values_list(
        "project_id", "project__provider_id"
    ):
        keys.add(("project", project_id))
        if provider_id:
            keys.add(("provider", provider_id))
    return sorted(keys)  # a fixed order: two bumps at once lock the counters in the same order


def scope_bump(*, trainee_id: int) -> list[ScopeKey]:
    """A template of `trainee_id` was added, replaced or deleted: every scope they are in gets a new version.
    Call it inside the transaction that changes the template, so the new version commits with the change."""
    from proctoring.models import FaceSearchScope

    keys = _scopes_of_trainee(trainee_id)
    if not keys:
        return keys
    FaceSearchScope.objects.bulk_create(
        [FaceSearchScope(kind=kind, object_id=object_id) for kind, object_id in keys], ignore_conflicts=True
    )
    for kind, object_id in keys:
        FaceSearchScope.objects.filter(kind=kind, object_id=object_id).update(version=F("version") + 1)
    return keys


def scope_version(key: ScopeKey) -> int:
    from proctoring.models import FaceSearchScope

    kind, object_id = key
    version = FaceSearchScope.objects.filter(kind=kind, object_id=object_id).values_list("version", flat=True).first()
    return version or 0


# --- The per-worker cache ---


def _load(key: ScopeKey, version: int) -> _Loaded:
    from proctoring.crypto import decrypt_template
    from proctoring.models import FaceTemplate

    started = time.perf_counter()
    rows = list(
        FaceTemplate.objects.filter(trainee_id__in=_rosters(key))
        .order_by("pk")
        .values_list("pk", "trainee_id", "encrypted")
        .iterator(chunk_size=5000)
    )
    matrix = np.empty((len(rows), 128), dtype=np.float32)
    for i, (_pk, _trainee, token) in enumerate(rows):
        matrix[i] = decrypt_template(bytes(token))
    loaded = _Loaded(
        version=version,
        loaded_at=time.monotonic(),
        template_ids=np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)),
        trainee_ids=np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows)),
        matrix=matrix,
        sq_norms=np.einsum("ij,ij->i", matrix, matrix),
    )
    logger.info(
        "face search scope %s:%s loaded: %d templates, version %d, %.0f ms",
        key[0],
        key[1],
        loaded.size,
        version,
        (time.perf_counter() - started) * 1000,
    )
    return loaded


def _max_templates() -> int:
    return int(getattr(settings, "FACE_SEARCH_CACHE_MAX_TEMPLATES", 500_000))


def _store(key: ScopeKey, loaded: _Loaded) -> None:
    with _lock:
        _scopes[key] = loaded
        _scopes.move_to_end(key)
        total = sum(entry.size for entry in _scopes.values())
        while total > _max_templates() and len(_scopes) > 1:
            _evicted_key, evicted = _scopes.popitem(last=False)
            total -= evicted.size


def _current(key: ScopeKey) -> _Loaded:
    """The scope's matrix, reloaded when its version changed or it is older than FACE_SEARCH_MAX_AGE_SECONDS."""
    version = scope_version(key)  # before loading: see the module docstring
    with _lock:
        entry = _scopes.get(key)
        if entry is not None:
            _scopes.move_to_end(key)
    max_age = float(getattr(settings, "FACE_SEARCH_MAX_AGE_SECONDS", 600))
    if entry is None or entry.version != version or time.monotonic() - entry.loaded_at > max_age:
        with _lock:
            _scopes.pop(key, None)  # a withdrawn template leaves memory now, not at the next eviction
        entry = _load(key, version)
        _store(key, entry)
    return entry


def cache_clear() -> None:
    with _lock:
        _scopes.clear()


def cache_info() -> dict[str, int]:
    """Scopes held and templates in them (counts only: the templates themselves never leave the process)."""
    with _lock:
        return {"scopes": len(_scopes), "templates": sum(e.size for e in _scopes.values())}


# --- The search ---


def within(
    loaded: _Loaded, encoding: np.ndarray, limit: float, *, exclude_trainee_id=None
) -> list[tuple[int, int, float]]:
    """(template id, trainee id, distance) of every row within `limit` of `encoding`, nearest first."""
    if loaded.size == 0:
        return []
    query = np.asarray(encoding, dtype=np.float32)
    # einsum, not BLAS gemv: one product either way, but a multi-threaded BLAS in each of a worker's processes
    # fights over the cores (measured here: 15 ms with 2 threads, 5 ms with einsum at 100,000 templates).
    squared = loaded.sq_norms - 2.0 * np.einsum("ij,j->i", loaded.matrix, query) + float(query @ query)
    hits = np.flatnonzero(squared <= limit * limit + 1e-6)
    if exclude_trainee_id is not None:
        hits = hits[loaded.trainee_ids[hits] != exclude_trainee_id]
    found = []
    for i in hits:  # few: exact float64 distances for the verdict and the flag
        distance = float(np.linalg.norm(loaded.matrix[i].astype(np.float64) - np.asarray(encoding, np.float64)))
        if distance <= limit:
            found.append((int(loaded.template_ids[i]), int(loaded.trainee_ids[i]), distance))
    return sorted(found, key=lambda item: item[2])


def _confirmed(key: ScopeKey, found: list[tuple[int, int, float]]) -> list[tuple[int, float]]:
    """Keep the matches whose template still exists and whose trainee is still on a roster of the scope."""
    from proctoring.models import FaceTemplate

    if not found:
        return []
    kind, object_id = key
    roster = "trainee__enrollments__project__provider_id" if kind == "provider" else "trainee__enrollments__project_id"
    alive = set(
        FaceTemplate.objects.filter(pk__in=[t for t, _trainee, _d in found], **{roster: object_id})
        .values_list("pk", flat=True)
        .distinct()
    )
    return [(trainee_id, distance) for template_id, trainee_id, distance in found if template_id in alive]


def nearest_in_scope(encoding: np.ndarray, *, project, exclude_trainee_id: int) -> list[tuple[int, float]]:
    """(trainee id, distance) of the other trainees of the project's scope whose template is within tolerance of
    `encoding`, nearest first. The same answer as faces.nearest_templates over proctoring.services.snapshots.
    proxy_candidates, without decrypting the scope for every snapshot."""
    key = scope_of(project)
    found = within(_current(key), encoding, faces.tolerance(), exclude_trainee_id=exclude_trainee_id)
    return _confirmed(key, found)

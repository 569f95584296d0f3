"""Calibrating the face tolerance on a labelled population (the operators' own photos, or reviewed flags).

Pure functions over distances (`error_rates`, `no_false_accept_tolerance`) serve both doors: the
`face_check --pairs FILE.csv` command (labelled photo pairs, checked with the one face path) and the HR page
人脸核验校准 (proctoring.selectors.calibration, over reviewed flags). A pair is accepted when its distance is at
most the tolerance (proctoring.faces.check_face).
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

MAX_PAIRS_BYTES = 5 * 1024 * 1024
MAX_PAIRS_ROWS = 20_000
SAME = {"1": True, "是": True, "0": False, "否": False}


class PairsFileError(ValueError):
    """The pairs csv cannot be used; the message says why."""


def _rate(count: int, total: int) -> float | None:
    return None if total == 0 else round(count / total, 4)


def error_rates(same: list[float], different: list[float], tolerance: float) -> dict:
    """False accepts (different people within tolerance) and false rejects (one person beyond it)."""
    false_accepts = sum(1 for d in different if d <= tolerance)
    false_rejects = sum(1 for d in same if d > tolerance)
    return {
        "false_accepts": false_accepts,
        "false_rejects": false_rejects,
        "false_accept_rate": _rate(false_accepts, len(different)),
        "false_reject_rate": _rate(false_rejects, len(same)),
    }


def no_false_accept_tolerance(different: list[float]) -> float | None:
    """The largest tolerance (to 0.001) that accepts none of the different-people pairs; None without any."""
    if not different:
        return None
    return math.ceil(min(different) * 1000 - 1) / 1000  # strictly below the nearest different pair


def read_pairs(path: Path) -> list[tuple[Path, Path, bool]]:
    """(enrolled image, probe image, same person) per row of a csv with the header enrolled,probe,same.
    Image paths are relative to the csv's folder unless absolute. UTF-8 (with or without BOM) or GBK."""
    if not path.is_file():
        raise PairsFileError(f"--pairs: file not found: {path}")
    if path.stat().st_size > MAX_PAIRS_BYTES:
        raise PairsFileError(f"--pairs: file larger than {MAX_PAIRS_BYTES // (1024 * 1024)} MB: {path}")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gbk", errors="strict")
    reader = csv.DictReader(io.StringIO(text))
    if [name.strip() for name in reader.fieldnames or []][:3] != ["enrolled", "probe", "same"]:
        raise PairsFileError("--pairs: the first line must be the header enrolled,probe,same")
    pairs = []
    for line, row in enumerate(reader, start=2):
        if len(pairs) >= MAX_PAIRS_ROWS:
            raise PairsFileError(f"--pairs: more than {MAX_PAIRS_ROWS} rows")
        same = SAME.get((row.get("same") or "").strip())
        if same is None:
            raise PairsFileError(f"--pairs: line {line}: same must be 1/0 or 是/否, not {row.get('same')!r}")
        enrolled, probe = (_resolve(path.parent, (row.get(k) or "").strip()) for k in ("enrolled", "probe"))
        pairs.append((enrolled, probe, same))
    return pairs


def _resolve(folder: Path, name: str) -> Path:
    candidate = Path(name)
    return candidate if candidate.is_absolute() else folder / candidate


def pair_distances(pairs: list[tuple[Path, Path, bool]]) -> tuple[list[float], list[float], int]:
    """(distances of same-person pairs, of different-people pairs, unusable pairs): a pair is unusable when the
    enrolled image fails the enrolment quality gate, or the probe is unreadable or shows no or several faces."""
    from proctoring import faces

    references: dict[Path, object] = {}
    same, different, unusable = [], [], 0
    for enrolled, probe, is_same in pairs:
        if enrolled not in references:
            try:
                references[enrolled] = faces.reference_encoding(faces.load_image(enrolled))
            except (faces.FaceQualityError, faces.ImageUnreadable):
                references[enrolled] = None
        reference = references[enrolled]
        try:
            check = None if reference is None else faces.check_face(reference, faces.load_image(probe))
        except faces.ImageUnreadable:
            check = None
        if check is None or check.distance is None:
            unusable += 1
            continue
        (same if is_same else different).append(check.distance)
    return same, different, unusable


def pairs_report(pairs: list[tuple[Path, Path, bool]]) -> dict:
    """The calibration line of `face_check --pairs`: rates at the tolerance in force, counts, and the tolerance
    that would give no false accept on the file with its false-reject rate."""
    from proctoring import faces

    tolerance = faces.tolerance()
    same, different, unusable = pair_distances(pairs)
    strict = no_false_accept_tolerance(different)
    at_strict = error_rates(same, different, strict) if strict is not None else None
    return {
        "tolerance": tolerance,
        "pairs": len(pairs),
        "same_pairs": len(same),
        "different_pairs": len(different),
        "unusable_pairs": unusable,
        **error_rates(same, different, tolerance),
        "no_false_accept_tolerance": strict,
        "false_rejects_at_no_false_accept": None if at_strict is None else at_strict["false_rejects"],
        "false_reject_rate_at_no_false_accept": None if at_strict is None else at_strict["false_reject_rate"],
    }

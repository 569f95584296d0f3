"""Time per 640×480 snapshot: proctoring.faces.check_face against the plain face_recognition call, same run.

    .venv/bin/python bench/face_verify.py [--rounds 5] [--faces-dir ../shared/faces]

Frames: every photo in the faces directory, cropped to the largest 4:3 rectangle centred on its faces and resized
to 640×480 (a webcam frame), plus one frame with no face, each JPEG-encoded as the browser uploads it.
Both ways start from the JPEG bytes and end with a verdict against the same reference (obama.jpg):
  plain = load_image_file + face_locations(frame) + face_encodings(frame, boxes) on the full frame;
  ours  = proctoring.faces.check_face (whole-frame HOG at the resolution FACE_MIN_SIZE needs, no upsampling,
          landmarks and encoding on the full-resolution frame).
The verdicts must be identical on every frame (asserted). Throughput with 1 and 2 worker processes
(multiprocessing.Pool, one loaded model per process) is reported for both.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("LOG_LEVEL", "WARNING")

TARGET_P95_MS = 90.0
TARGET_RATIO = 1.6
_REFERENCE = None


def _setup():
    global _REFERENCE
    import django

    django.setup()
    from proctoring import faces

    _REFERENCE = faces.reference_encoding(Path(os.environ["BENCH_FACES_DIR"]) / "obama.jpg")


def make_frames(faces_dir: Path) -> list[tuple[str, bytes]]:
    """(name, JPEG bytes of a 640×480 frame) for every photo, plus a frame without a face."""
    import face_recognition

    frames = []
    for path in sorted(p for p in faces_dir.iterdir() if p.suffix.lower() in {".jpg", ".jpeg", ".png"}):
        image = Image.open(path).convert("RGB")
        boxes = face_recognition.face_locations(np.asarray(image.resize((image.width // 2, image.height // 2))))
        cy = np.mean([(box[0] + box[2]) for box in boxes]) if boxes else image.height / 2
        cx = np.mean([(box[1] + box[3]) for box in boxes]) if boxes else image.width / 2
        width = min(image.width, image.height * 4 // 3)
        height = width * 3 // 4
        left = int(min(max(cx - width / 2, 0), image.width - width))
        top = int(min(max(cy - height / 2, 0), image.height - height))
        frame = image.crop((left, top, left + width, top + height)).resize((640, 480), Image.BILINEAR)
        frames.append((path.name, _jpeg(frame)))
    gradient = np.tile(np.linspace(40, 220, 640, dtype=np.float32), (480, 1))
    noise = np.random.default_rng(1).normal(0, 4, (480, 640))
    wall = np.clip(gradient + noise, 0, 255).astype(np.uint8)
    frames.append(("no_face(gradient)", _jpeg(Image.fromarray(np.stack([wall] * 3, axis=-1)))))
    return frames


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def plain(jpeg: bytes) -> tuple[str, float]:
    import face_recognition

    from proctoring import faces

    start = time.perf_counter()
    image = face_recognition.load_image_file(io.BytesIO(jpeg))
    boxes = face_recognition.face_locations(image)
    encodings = face_recognition.face_encodings(image, boxes)
    if not boxes:
        verdict = "no_face"
    elif len(boxes) > 1:
        verdict = "multiple_faces"
    else:
        distance = float(np.linalg.norm(encodings[0] - _REFERENCE))
        verdict = "match" if distance <= faces.tolerance() else "mismatch"
    return verdict, (time.perf_counter() - start) * 1000


def ours(jpeg: bytes) -> tuple[str, float]:
    from proctoring import faces

    start = time.perf_counter()
    check = faces.check_face(_REFERENCE, jpeg)
    return str(check.verdict), (time.perf_counter() - start) * 1000


def _throughput(func, jobs: list[bytes], workers: int) -> float:
    with Pool(workers, initializer=_setup) as pool:
        pool.map(func, jobs[: workers * 2])  # warm up every worker
        start = time.perf_counter()
        pool.map(func, jobs, chunksize=1)
        return len(jobs) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faces-dir", default=os.environ.get("FACES_DIR", str(ROOT.parent / "shared" / "faces")))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ["BENCH_FACES_DIR"] = args.faces_dir
    _setup()
    frames = make_frames(Path(args.faces_dir))
    print(f"{len(frames)} frames of 640×480 from {args.faces_dir}, {args.rounds} rounds each\n")

    times = {"plain": [], "ours": []}
    print(f"{'frame':24s} {'plain':>16s} {'ours':>16s} {'distance':>9s}")
    for name, jpeg in frames:
        plain(jpeg), ours(jpeg)  # warm-up
        verdicts = {}
        for label, func in (("plain", plain), ("ours", ours)):
            for _ in range(args.rounds):
                verdict, ms = func(jpeg)
                times[label].append(ms)
                verdicts[label] = verdict
        from proctoring import faces

        distance = faces.check_face(_REFERENCE, jpeg).distance
        shown = "-" if distance is None else f"{distance:.3f}"
        print(f"{name:24s} {verdicts['plain']:>16s} {verdicts['ours']:>16s} {shown:>9s}")
        assert verdicts["plain"] == verdicts["ours"], f"verdicts differ on {name}: {verdicts}"
    print("\nsame verdicts on every frame: yes\n")

    p50 = {k: float(np.percentile(v, 50)) for k, v in times.items()}
    p95 = {k: float(np.percentile(v, 95)) for k, v in times.items()}
    print(f"{'':8s} {'p50 ms':>8s} {'p95 ms':>8s}")
    for label in ("plain", "ours"):
        print(f"{label:8s} {p50[label]:8.1f} {p95[label]:8.1f}")
    ratio = p95["plain"] / p95["ours"]
    print(f"speed-up (p95 plain / p95 ours): {ratio:.2f}×  (p50: {p50['plain'] / p50['ours']:.2f}×)")

    jobs = [jpeg for _name, jpeg in frames] * args.rounds
    print(f"\n{'snapshots/s':12s} {'plain':>8s} {'ours':>8s}")
    for workers in (1, 2):
        rates = [_throughput(func, jobs, workers) for func in (plain, ours)]
        print(f"{workers} worker{'s' if workers > 1 else ' '}    {rates[0]:8.1f} {rates[1]:8.1f}")
    ok = p95["ours"] <= TARGET_P95_MS and ratio >= TARGET_RATIO
    print(f"\ntarget ≤ {TARGET_P95_MS:.0f} ms p95 and ≥ {TARGET_RATIO}× plain: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()

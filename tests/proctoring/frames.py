"""Camera-like frames made from the shared face photos: 640×480, small per-frame shifts and sensor noise, as a
live camera gives (a replayed still would have none). Used by the snapshot tests and the browser tests' .y4m."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

WIDTH, HEIGHT = 640, 480


def _fitted(photo: Path) -> Image.Image:
    image = ImageOps.exif_transpose(Image.open(photo)).convert("RGB")
    image.thumbnail((WIDTH - 40, HEIGHT - 30))
    return image


def camera_frame(photo: Path, *, index: int = 0, seed: int = 0) -> Image.Image:
    """The photo on a grey background, moved a few pixels and with noise that differs for every index."""
    rng = np.random.default_rng(seed * 1000 + index)
    face = _fitted(photo)
    canvas = Image.new("RGB", (WIDTH, HEIGHT), (120, 124, 128))
    dx, dy = int(rng.integers(-8, 9)), int(rng.integers(-6, 7))
    canvas.paste(face, ((WIDTH - face.width) // 2 + dx, (HEIGHT - face.height) // 2 + dy))
    gain = rng.uniform(0.96, 1.04)  # exposure drifts a little from frame to frame
    pixels = np.asarray(canvas, dtype=np.float32) * gain + rng.normal(0, 3, (HEIGHT, WIDTH, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def jpeg_bytes(image: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def photos_from_env(value: str, faces_dir: Path) -> list[Path]:
    """E2E_* variables: a path, or several comma-separated; bare names are looked up in the faces folder."""
    paths = []
    for part in value.split(","):
        part = part.strip()
        if part:
            path = Path(part)
            paths.append(path if path.is_absolute() or path.exists() else faces_dir / part)
    return paths


def write_y4m(photos: list[Path], out: Path, *, seconds: float = 4, fps: int = 10) -> Path:
    """A YUV4MPEG2 file (the header, then raw I420 frames) that Chromium plays as its fake camera, in a loop.

    Make it longer than the camera is used: a loop shows the very same frame again, which is a replayed still
    (`static`) to the verifier, as it should be."""
    frames = max(1, int(seconds * fps))
    with open(out, "wb") as fh:
        fh.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for i in range(frames):
            rgb = camera_frame(photos[i % len(photos)], index=i)
            y, u, v = rgb.convert("YCbCr").split()
            fh.write(b"FRAME\n")
            fh.write(y.tobytes())
            fh.write(u.resize((WIDTH // 2, HEIGHT // 2), Image.BOX).tobytes())
            fh.write(v.resize((WIDTH // 2, HEIGHT // 2), Image.BOX).tobytes())
    return out

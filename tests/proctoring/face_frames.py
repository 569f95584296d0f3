"""Webcam-like test frames for the faces tests, made from the shared face photos (never copied into the repo).
(tests/proctoring/frames.py belongs to the study tests: camera frames on a grey background for the .y4m.)"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image


def webcam_frame(path: Path, size=(640, 480)) -> np.ndarray:
    """The largest 4:3 rectangle from the top-centre of the photo (where the faces are), resized to 640×480."""
    image = Image.open(path).convert("RGB")
    width = min(image.width, image.height * 4 // 3)
    height = width * 3 // 4
    left = (image.width - width) // 2
    return np.asarray(image.crop((left, 0, left + width, height)).resize(size, Image.BILINEAR))


def jpeg(array: np.ndarray, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def gradient_frame(size=(640, 480)) -> np.ndarray:
    """A wall: a grey gradient with sensor noise, no face."""
    width, height = size
    wall = np.tile(np.linspace(40, 220, width, dtype=np.float32), (height, 1))
    wall += np.random.default_rng(7).normal(0, 3, wall.shape)
    grey = np.clip(wall, 0, 255).astype(np.uint8)
    return np.stack([grey] * 3, axis=-1)


def shifted_noisy(frame: np.ndarray, dx: int = 2, dy: int = 1, noise: float = 3.0, seed: int = 1) -> np.ndarray:
    """The same scene a moment later, as a live camera sees it: a small shift and fresh sensor noise."""
    moved = np.roll(np.roll(frame, dy, axis=0), dx, axis=1).astype(np.float32)
    moved += np.random.default_rng(seed).normal(0, noise, moved.shape)
    return np.clip(moved, 0, 255).astype(np.uint8)

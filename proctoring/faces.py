"""The one code path that checks a face (SPEC 三(三): online study is verified by face recognition).

Enrolment (`reference_encoding`), live study snapshots (`check_face`), the `face_check` command, the bulk import
and the benchmark all call the functions below, so they share one detector, one tolerance and one quality gate.

* Detection: dlib's HOG detector (face_recognition's model). A live snapshot is searched whole, at a resolution
  where every face of at least FACE_MIN_SIZE pixels (on a 640-pixel-wide frame) is found: the HOG window is
  80 px, so with the default FACE_MIN_SIZE=80 a 640×480 frame is searched at full size without upsampling.
  Landmarks and the 128-d encoding are computed on the full-resolution frame.
* Enrolment is stricter and slower: the photo is searched with one upsampling (faces from ~40 px are seen, so a
  small face is refused as 人脸太小 rather than missed), and must show exactly one face, large and sharp enough.
* Replay (`static`): a small grayscale signature of each frame is compared with the previous snapshot's. A live
  camera's frames always differ by small movements and sensor noise; a replayed still does not.

Every image goes through `load_image`, the one safe loader: JPEG/PNG only, at most FACE_IMAGE_MAX_BYTES bytes and
FACE_IMAGE_MAX_PIXELS pixels, both checked from the header before anything is decoded (`image_error` says why a
file would be refused without decoding it).

The tolerance is rule data (tolerance(): proctoring.models.FaceTolerance, FACE_TOLERANCE the default).
Settings (read at call time, never at import): FACE_TOLERANCE, FACE_MIN_SIZE, FACE_BLUR_THRESHOLD,
FACE_STATIC_THRESHOLD, FACE_ENROL_MAX_SIDE, FACE_IMAGE_MAX_PIXELS, FACE_IMAGE_MAX_BYTES.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MODEL_VERSION = "dlib_face_recognition_resnet_model_v1+hog"
HOG_WINDOW = 80  # pixels: the smallest face dlib's HOG detector finds without upsampling
LIVE_MAX_SIDE = 640  # a live frame larger than this is searched on a copy scaled down to it
SIGNATURE_SIZE = (32, 24)  # (width, height) of the replay signature


class Verdict(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    NO_FACE = "no_face"
    MULTIPLE_FACES = "multiple_faces"
    STATIC = "static"

    @property
    def passed(self) -> bool:
        return self is Verdict.MATCH


class FaceQualityError(ValueError):
    """An image refused by the enrolment quality gate; the message is the reason in Chinese."""


class ImageUnreadable(ValueError):
    """The bytes or the file are not an image we can decode."""


@dataclass(frozen=True)
class FaceCheck:
    verdict: Verdict
    distance: float | None
    faces: int
    encoding: np.ndarray | None
    signature: np.ndarray


def _api():
    # Imported lazily: loading the dlib models takes a second and most processes never check a face.
    from face_recognition import api

    return api


def _setting(name: str, default):
    return getattr(settings, name, default)


def tolerance(on=None) -> float:
    """The distance under which two faces are one person, in force on `on` (default today): the latest
    proctoring.models.FaceTolerance row effective by then, else the FACE_TOLERANCE setting. Every check reads it."""
    from django.utils import timezone

    from proctoring.models import FaceTolerance

    value = (
        FaceTolerance.objects.filter(effective_from__lte=on or timezone.localdate())
        .order_by("-effective_from", "-pk")
        .values_list("value", flat=True)
        .first()
    )
    return float(_setting("FACE_TOLERANCE", 0.6) if value is None else value)


class ImageTooLarge(ImageUnreadable):
    """More bytes or pixels than FACE_IMAGE_MAX_BYTES / FACE_IMAGE_MAX_PIXELS: refused before decoding."""


def max_image_pixels() -> int:
    return int(_setting("FACE_IMAGE_MAX_PIXELS", 25_000_000))


def max_image_bytes() -> int:
    return int(_setting("FACE_IMAGE_MAX_BYTES", 10 * 1024 * 1024))


def _header(stream) -> Image.Image:
    """The image with only its header read, by the JPEG or PNG reader itself: Image.open would run Pillow's own
    guard first and refuse with an English message; ours below gives the sizes in Chinese."""
    from PIL import JpegImagePlugin, PngImagePlugin

    start = stream.read(8)
    stream.seek(0)
    if start.startswith(b"\xff\xd8\xff"):
        return JpegImagePlugin.JpegImageFile(stream)
    if start.startswith(b"\x89PNG\r\n\x1a\n"):
        return PngImagePlugin.PngImageFile(stream)
    raise ImageUnreadable(_("无法读取图像：只接受JPEG或PNG图像"))


def _open_checked(source: bytes | str | Path) -> Image.Image:
    """Read the image's header only and refuse it when it is too big in bytes or pixels, or not a JPEG/PNG.
    Nothing is decoded here: a 100 KB file whose header claims 20000×20000 costs nothing."""
    size = len(source) if isinstance(source, bytes | bytearray | memoryview) else Path(source).stat().st_size
    if size > max_image_bytes():
        raise ImageTooLarge(
            _("图像过大（%(size)s，上限%(max)s）")
            % {"size": filesizeformat(size), "max": filesizeformat(max_image_bytes())}
        )
    data = bytes(source) if isinstance(source, bytes | bytearray | memoryview) else Path(source).read_bytes()
    image = _header(io.BytesIO(data))
    width, height = image.size
    if width * height > max_image_pixels():
        raise ImageTooLarge(
            _("图像尺寸过大（%(w)d×%(h)d，上限%(max)d像素）") % {"w": width, "h": height, "max": max_image_pixels()}
        )
    return image


def image_error(source: bytes | str | Path) -> str | None:
    """Why an image would be refused, read from its header alone (no decoding), or None."""
    try:
        _open_checked(source)
    except ImageUnreadable as exc:
        return str(exc)
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as exc:
        return _("无法读取图像：%(error)s") % {"error": exc}
    return None


def load_image(source: bytes | str | Path) -> np.ndarray:
    """The one safe image loader: decode a JPEG/PNG (bytes or a path) into a contiguous RGB uint8 array, upright
    per its EXIF tag, after its byte size and pixel count were checked from the header (ImageTooLarge)."""
    try:
        image = _open_checked(source)
        image = ImageOps.exif_transpose(image)
        if image.mode != "RGB":
            image = image.convert("RGB")
        return np.ascontiguousarray(np.asarray(image, dtype=np.uint8))
    except ImageUnreadable:
        raise
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageUnreadable(_("无法读取图像：%(error)s") % {"error": exc}) from exc


def _as_array(source) -> np.ndarray:
    return source if isinstance(source, np.ndarray) else load_image(source)


def _scaled(image: np.ndarray, scale: float) -> np.ndarray:
    if scale >= 1:
        return image
    height, width = image.shape[:2]
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(Image.fromarray(image).resize(size, Image.BILINEAR))


def _detect(image: np.ndarray, *, scale: float, upsample: int) -> list:
    """Face boxes (dlib rectangles in full-resolution coordinates) from the HOG detector run on a scaled copy."""
    import dlib

    api = _api()
    boxes = api.face_detector(_scaled(image, scale), upsample)
    if scale >= 1:
        return list(boxes)

    def back(value: int) -> int:
        return round(value / scale)

    return [dlib.rectangle(back(b.left()), back(b.top()), back(b.right()), back(b.bottom())) for b in boxes]


def live_detection_scale(shape) -> float:
    """The scale at which a live frame is searched: the whole frame, fine enough to see any face ≥ FACE_MIN_SIZE."""
    longest = max(shape[:2])
    min_size = int(_setting("FACE_MIN_SIZE", 80))
    return min(1.0, LIVE_MAX_SIDE / longest * HOG_WINDOW / max(min_size, HOG_WINDOW))


def _encode(image: np.ndarray, box) -> np.ndarray:
    api = _api()
    shape = api.pose_predictor_5_point(image, box)
    return np.array(api.face_encoder.compute_face_descriptor(image, shape, 1))


def laplacian_variance(gray: np.ndarray) -> float:
    """Sharpness of a grayscale image: the variance of its 4-neighbour Laplacian (low = blurred)."""
    g = gray.astype(np.float32)
    lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4 * g[1:-1, 1:-1]
    return float(lap.var())


def face_sharpness(image: np.ndarray, box) -> float:
    """Laplacian variance of the face crop, resized to 160×160 so photos of any resolution compare alike."""
    height, width = image.shape[:2]
    top, bottom = max(0, box.top()), min(height, box.bottom())
    left, right = max(0, box.left()), min(width, box.right())
    crop = Image.fromarray(image[top:bottom, left:right]).convert("L").resize((160, 160), Image.BILINEAR)
    return laplacian_variance(np.asarray(crop))


def _enrolment_face(image: np.ndarray):
    """The quality gate of enrolment: exactly one face, large enough, not blurred. Returns (image, box)."""
    max_side = int(_setting("FACE_ENROL_MAX_SIDE", 1024))
    image = _scaled(image, max_side / max(image.shape[:2]))
    boxes = _detect(image, scale=1.0, upsample=1)
    if not boxes:
        raise FaceQualityError(_("未检测到人脸"))
    if len(boxes) > 1:
        raise FaceQualityError(_("检测到多张人脸（%(count)d张），照片中只能有本人") % {"count": len(boxes)})
    box = boxes[0]
    min_size = int(_setting("FACE_MIN_SIZE", 80))
    size = min(box.width(), box.height())
    if size < min_size:
        raise FaceQualityError(
            _("人脸太小（%(size)d像素，至少%(min)d像素），请靠近摄像头") % {"size": size, "min": min_size}
        )
    sharpness = face_sharpness(image, box)
    threshold = float(_setting("FACE_BLUR_THRESHOLD", 25))
    if sharpness < threshold:
        reason = _("图像模糊（清晰度%(value).0f，至少%(min).0f），请保持不动并对焦")
        raise FaceQualityError(reason % {"value": sharpness, "min": threshold})
    return image, box


def reference_encoding(source) -> np.ndarray:
    """The 128-d reference encoding of an enrolment photo; raises FaceQualityError with the reason."""
    image, box = _enrolment_face(_as_array(source))
    return _encode(image, box)


def _grayscale(image_array: np.ndarray) -> np.ndarray:
    return np.asarray(Image.fromarray(image_array).convert("L"))


def frame_signature(image_array: np.ndarray) -> np.ndarray:
    """A 32×24 grayscale thumbnail (float32) of the frame, for telling a live camera from a replayed still."""
    gray = image_array if image_array.ndim == 2 else _grayscale(image_array)
    thumb = Image.fromarray(gray).resize(SIGNATURE_SIZE, Image.BOX)
    return np.asarray(thumb, dtype=np.float32)


def is_static(signature: np.ndarray, previous: np.ndarray | None) -> bool:
    """True when two frames are identical beyond camera noise (mean absolute difference of the signatures)."""
    if previous is None or np.shape(previous) != signature.shape:
        return False
    difference = float(np.abs(signature - np.asarray(previous, dtype=np.float32)).mean())
    return difference < float(_setting("FACE_STATIC_THRESHOLD", 0.35))


def check_face(reference: np.ndarray, source, *, previous_signature=None) -> FaceCheck:
    """Verify one snapshot against the trainee's reference encoding. The whole frame is searched."""
    image = _as_array(source)
    # HOG on the luminance finds the same faces as on RGB about a quarter faster (dlib otherwise takes the
    # strongest gradient of three channels); the signature reuses the same grayscale frame.
    gray = _grayscale(image)
    signature = frame_signature(gray)
    boxes = _detect(gray, scale=live_detection_scale(image.shape), upsample=0)
    faces = len(boxes)
    if is_static(signature, previous_signature):
        return FaceCheck(Verdict.STATIC, None, faces, None, signature)
    if faces == 0:
        return FaceCheck(Verdict.NO_FACE, None, 0, None, signature)
    if faces > 1:
        return FaceCheck(Verdict.MULTIPLE_FACES, None, faces, None, signature)
    encoding = _encode(image, boxes[0])
    distance = float(np.linalg.norm(encoding - reference))
    verdict = Verdict.MATCH if distance <= tolerance() else Verdict.MISMATCH
    return FaceCheck(verdict, distance, 1, encoding, signature)


def to_json(check: FaceCheck) -> dict:
    distance = None if check.distance is None else round(check.distance, 4)
    return {"verdict": str(check.verdict), "distance": distance, "faces": check.faces}


def nearest_templates(encoding: np.ndarray, candidates, tolerance: float | None = None) -> list:
    """The candidates (key, encoding) within tolerance of `encoding`, nearest first: [(key, distance), ...]."""
    if not candidates:
        return []
    limit = globals()["tolerance"]() if tolerance is None else tolerance
    keys = [key for key, _enc in candidates]
    distances = np.linalg.norm(np.stack([enc for _key, enc in candidates]) - encoding, axis=1)
    found = [(key, float(d)) for key, d in zip(keys, distances, strict=True) if d <= limit]
    return sorted(found, key=lambda item: item[1])

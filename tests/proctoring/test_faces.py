"""The one code path for checking a face, on the real photos of ../shared/faces (face_recognition never mocked)."""

import numpy as np
import pytest
from PIL import Image, ImageFilter

from proctoring import faces
from proctoring.faces import FaceQualityError, Verdict
from tests.proctoring.face_frames import gradient_frame, jpeg, shifted_noisy, webcam_frame

# The tolerance is rule data (proctoring.models.FaceTolerance): every face check reads it from the database.
pytestmark = pytest.mark.django_db

_cache = {}


@pytest.fixture
def obama_ref(faces_dir):
    if "obama" not in _cache:
        _cache["obama"] = faces.reference_encoding(faces_dir / "obama.jpg")
    return _cache["obama"]


def test_reference_encoding_is_128_floats(obama_ref):
    assert obama_ref.shape == (128,)
    assert obama_ref.dtype == np.float64


def test_load_image_accepts_bytes_and_paths(faces_dir):
    path = faces_dir / "obama2.jpg"
    from_path = faces.load_image(path)
    from_bytes = faces.load_image(path.read_bytes())
    assert from_path.shape == from_bytes.shape == (1200, 626, 3)
    assert np.array_equal(from_path, from_bytes)


def test_load_image_unreadable_says_so():
    with pytest.raises(faces.ImageUnreadable, match="无法读取图像"):
        faces.load_image(b"not a picture")


def test_same_person_matches(obama_ref, faces_dir):
    check = faces.check_face(obama_ref, jpeg(webcam_frame(faces_dir / "obama2.jpg")))
    assert check.verdict == Verdict.MATCH
    assert check.faces == 1
    assert check.distance < 0.55
    assert check.encoding.shape == (128,)


def test_other_person_is_a_mismatch(obama_ref, faces_dir):
    check = faces.check_face(obama_ref, jpeg(webcam_frame(faces_dir / "biden.jpg")))
    assert check.verdict == Verdict.MISMATCH
    assert check.distance > 0.7


def test_two_people_is_multiple_faces(obama_ref, faces_dir):
    check = faces.check_face(obama_ref, webcam_frame(faces_dir / "two_people.jpg"))
    assert check.verdict == Verdict.MULTIPLE_FACES
    assert check.faces == 2
    assert check.distance is None


def test_a_second_face_in_a_corner_is_found(obama_ref, faces_dir):
    """The whole frame is searched: a smaller second face anywhere still gives multiple_faces."""
    frame = Image.fromarray(webcam_frame(faces_dir / "obama2.jpg"))
    intruder = Image.open(faces_dir / "biden2.jpg").convert("RGB").resize((220, 220))  # face ≈ 90 px
    frame.paste(intruder, (640 - 220, 480 - 220))
    check = faces.check_face(obama_ref, np.asarray(frame))
    assert check.verdict == Verdict.MULTIPLE_FACES
    assert check.faces == 2


def test_no_face(obama_ref):
    check = faces.check_face(obama_ref, jpeg(gradient_frame()))
    assert check.verdict == Verdict.NO_FACE
    assert (check.faces, check.distance, check.encoding) == (0, None, None)


def test_replayed_still_is_static(obama_ref, faces_dir):
    frame = jpeg(webcam_frame(faces_dir / "obama2.jpg"))
    first = faces.check_face(obama_ref, frame)
    second = faces.check_face(obama_ref, frame, previous_signature=first.signature)
    assert first.verdict == Verdict.MATCH
    assert second.verdict == Verdict.STATIC
    assert second.distance is None


def test_re_encoded_replay_is_still_static(obama_ref, faces_dir):
    """A still re-compressed on its way through a virtual camera stays identical beyond camera noise."""
    frame = webcam_frame(faces_dir / "obama2.jpg")
    first = faces.check_face(obama_ref, jpeg(frame, quality=92))
    second = faces.check_face(obama_ref, jpeg(frame, quality=75), previous_signature=first.signature)
    assert second.verdict == Verdict.STATIC


def test_live_camera_with_small_shift_and_noise_is_not_static(obama_ref, faces_dir):
    frame = webcam_frame(faces_dir / "obama2.jpg")
    first = faces.check_face(obama_ref, jpeg(frame))
    later = faces.check_face(obama_ref, jpeg(shifted_noisy(frame, dx=2, dy=1)), previous_signature=first.signature)
    assert later.verdict == Verdict.MATCH


def test_static_threshold_is_the_boundary(settings):
    signature = np.full((24, 32), 100, dtype=np.float32)
    settings.FACE_STATIC_THRESHOLD = 0.375
    assert faces.is_static(signature + 0.25, signature)
    assert not faces.is_static(signature + 0.375, signature)
    assert not faces.is_static(signature, None)


def test_frame_signature_is_small_grey(faces_dir):
    signature = faces.frame_signature(webcam_frame(faces_dir / "obama.jpg"))
    assert signature.shape == (24, 32)
    assert signature.dtype == np.float32


def test_tolerance_is_a_setting(settings, obama_ref, faces_dir):
    frame = jpeg(webcam_frame(faces_dir / "obama2.jpg"))
    distance = faces.check_face(obama_ref, frame).distance
    settings.FACE_TOLERANCE = distance
    assert faces.check_face(obama_ref, frame).verdict == Verdict.MATCH
    settings.FACE_TOLERANCE = distance - 0.001
    assert faces.check_face(obama_ref, frame).verdict == Verdict.MISMATCH


def test_to_json(obama_ref, faces_dir):
    data = faces.to_json(faces.check_face(obama_ref, jpeg(webcam_frame(faces_dir / "biden.jpg"))))
    assert set(data) == {"verdict", "distance", "faces"}
    assert data["verdict"] == "mismatch"
    assert data["faces"] == 1


# --- The enrolment quality gate ---


def test_gate_refuses_no_face():
    with pytest.raises(FaceQualityError, match="未检测到人脸"):
        faces.reference_encoding(gradient_frame())


def test_gate_refuses_two_faces(faces_dir):
    with pytest.raises(FaceQualityError, match="检测到多张人脸（2张）"):
        faces.reference_encoding(faces_dir / "two_people.jpg")


def test_gate_refuses_a_small_face(faces_dir):
    image = Image.open(faces_dir / "obama.jpg").convert("RGB")
    small = image.resize((image.width // 4, image.height // 4))  # face ≈ 67 px
    with pytest.raises(FaceQualityError, match=r"人脸太小（\d+像素，至少80像素）"):
        faces.reference_encoding(np.asarray(small))


def test_gate_min_size_boundary(settings, faces_dir):
    """obama.jpg, analysed at 1024 px, has a 224-px face box: 224 passes, 225 is refused."""
    settings.FACE_MIN_SIZE = 224
    assert faces.reference_encoding(faces_dir / "obama.jpg").shape == (128,)
    settings.FACE_MIN_SIZE = 225
    with pytest.raises(FaceQualityError, match="人脸太小（224像素，至少225像素）"):
        faces.reference_encoding(faces_dir / "obama.jpg")


def test_gate_refuses_a_blurred_photo(faces_dir):
    blurred = Image.open(faces_dir / "obama.jpg").convert("RGB").filter(ImageFilter.GaussianBlur(4))
    with pytest.raises(FaceQualityError, match="图像模糊"):
        faces.reference_encoding(np.asarray(blurred))


def test_laplacian_variance_tells_sharp_from_flat():
    flat = np.full((50, 50), 128, dtype=np.uint8)
    checker = (np.indices((50, 50)).sum(axis=0) % 2 * 255).astype(np.uint8)
    assert faces.laplacian_variance(flat) == 0
    assert faces.laplacian_variance(checker) > 1000


def test_nearest_templates_within_tolerance_nearest_first():
    me = np.zeros(128)
    near, nearer, far = np.full(128, 0.03), np.full(128, 0.01), np.full(128, 0.5)
    found = faces.nearest_templates(me, [("a", near), ("b", far), ("c", nearer)], tolerance=0.5)
    assert [key for key, _d in found] == ["c", "a"]
    assert found[0][1] == pytest.approx(0.01 * np.sqrt(128))
    assert faces.nearest_templates(me, []) == []

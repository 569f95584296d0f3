"""`manage.py face_check ENROLLED PROBE`: one JSON line, the live-study code path, exit 2 on a bad file."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.proctoring.face_frames import gradient_frame, jpeg

# The tolerance is rule data (proctoring.models.FaceTolerance): every face check reads it from the database.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def chinese():
    """The reasons are Chinese (LANGUAGE_CODE), whatever language an earlier test left active."""
    with translation.override("zh-hans"):
        yield


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("face_check", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("probe", "verdict", "faces"),
    [("obama2.jpg", "match", 1), ("biden.jpg", "mismatch", 1), ("two_people.jpg", "multiple_faces", 2)],
)
def test_prints_one_json_line(faces_dir, probe, verdict, faces):
    out, _err = run(faces_dir / "obama.jpg", faces_dir / probe)
    lines = out.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert list(data) == ["verdict", "distance", "faces"]
    assert data["verdict"] == verdict
    assert data["faces"] == faces
    if verdict == "match":
        assert 0 < data["distance"] <= 0.6
    elif verdict == "mismatch":
        assert data["distance"] > 0.6
    else:
        assert data["distance"] is None


def test_no_face_probe(faces_dir, tmp_path):
    wall = tmp_path / "wall.jpg"
    wall.write_bytes(jpeg(gradient_frame()))
    data = json.loads(run(faces_dir / "obama.jpg", wall)[0])
    assert data == {"verdict": "no_face", "distance": None, "faces": 0}


def test_missing_file_exits_2_with_a_clear_error(faces_dir, tmp_path):
    with pytest.raises(SystemExit) as info:
        run(faces_dir / "obama.jpg", tmp_path / "nope.jpg")
    assert info.value.code == 2


def test_unreadable_file_exits_2(faces_dir, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not really a jpeg")
    err = StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("face_check", str(broken), str(faces_dir / "obama.jpg"), stdout=StringIO(), stderr=err)
    assert info.value.code == 2
    assert "ENROLLED_IMAGE: cannot read image" in err.getvalue()


def test_missing_file_message(faces_dir, tmp_path):
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("face_check", faces_dir / "obama.jpg", tmp_path / "x.jpg", stdout=StringIO(), stderr=err)
    assert "PROBE_IMAGE: file not found" in err.getvalue()


def test_enrolled_image_refused_by_the_gate(faces_dir):
    err = StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("face_check", faces_dir / "two_people.jpg", faces_dir / "obama.jpg", stderr=err, stdout=None)
    assert info.value.code == 1
    assert "检测到多张人脸" in err.getvalue()

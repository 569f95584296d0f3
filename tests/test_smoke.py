"""The face libraries install and work: dlib from the dlib-bin wheel, face_recognition on top of it."""


def test_face_recognition_imports_and_finds_a_face(faces_dir):
    import dlib
    import face_recognition

    assert dlib.__version__
    image = face_recognition.load_image_file(faces_dir / "obama.jpg")
    locations = face_recognition.face_locations(image)
    assert len(locations) == 1
    assert face_recognition.face_encodings(image, locations)[0].shape == (128,)

"""`manage.py face_check ENROLLED_IMAGE PROBE_IMAGE`: one JSON line {"verdict", "distance", "faces"}.

The same code path as live study (proctoring.faces): the enrolled image passes the enrolment quality gate, the
probe is checked with check_face and the FACE_TOLERANCE setting. Exit status: 0 with a verdict, 1 when the
enrolled image is refused by the quality gate (the reason on stderr), 2 when a file is missing or unreadable.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from proctoring import faces


class Command(BaseCommand):
    help = "Check PROBE_IMAGE against ENROLLED_IMAGE with the live-study face check; prints one JSON line."

    def add_arguments(self, parser):
        parser.add_argument("enrolled_image")
        parser.add_argument("probe_image")

    def handle(self, *args, enrolled_image, probe_image, **options):
        images = []
        for label, name in (("ENROLLED_IMAGE", enrolled_image), ("PROBE_IMAGE", probe_image)):
            path = Path(name)
            if not path.is_file():
                self._fail(2, f"{label}: file not found: {path}")
            try:
                images.append(faces.load_image(path))
            except faces.ImageUnreadable as exc:
                self._fail(2, f"{label}: cannot read image {path}: {exc}")
        try:
            reference = faces.reference_encoding(images[0])
        except faces.FaceQualityError as exc:
            self._fail(1, f"ENROLLED_IMAGE refused by the quality gate: {exc}")
        check = faces.check_face(reference, images[1])
        self.stdout.write(json.dumps(faces.to_json(check), ensure_ascii=False))

    def _fail(self, status: int, message: str):
        self.stderr.write(message)
        sys.exit(status)

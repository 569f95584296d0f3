"""`manage.py face_check ENROLLED_IMAGE PROBE_IMAGE`: one JSON line {"verdict", "distance", "faces"}.
`manage.py face_check --pairs FILE.csv`: calibration on labelled pairs, one JSON line (proctoring.calibration).

The same code path as live study (proctoring.faces): the enrolled image passes the enrolment quality gate, the
probe is checked with check_face and the tolerance in force (proctoring.faces.tolerance). Exit status: 0 with a
verdict, 1 when the enrolled image is refused by the quality gate (the reason on stderr), 2 when a file is missing
or unreadable (or the csv has no `enrolled,probe,same` header).
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from proctoring import faces
from proctoring.calibration import PairsFileError, pairs_report, read_pairs


class Command(BaseCommand):
    help = (
        "Check PROBE_IMAGE against ENROLLED_IMAGE with the live-study face check; prints one JSON line. "
        "With --pairs FILE.csv (enrolled,probe,same): false-accept and false-reject rates on labelled pairs."
    )

    def add_arguments(self, parser):
        parser.add_argument("enrolled_image", nargs="?")
        parser.add_argument("probe_image", nargs="?")
        parser.add_argument(
            "--pairs",
            metavar="FILE.csv",
            help="csv of enrolled,probe,same (same: 1/0 or 是/否; image paths relative to the csv's folder)",
        )

    def handle(self, *args, enrolled_image=None, probe_image=None, pairs=None, **options):
        if pairs:
            try:
                report = pairs_report(read_pairs(Path(pairs)))
            except PairsFileError as exc:
                self._fail(2, str(exc))
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        if not (enrolled_image and probe_image):
            self._fail(2, "give ENROLLED_IMAGE PROBE_IMAGE, or --pairs FILE.csv")
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

"""The fund reads the exams app (passes, certificates) and proctoring's exam flags. Until branch `exams` is in main
these tests cannot import their data builders; they are left out of collection with a warning, never faked."""

import warnings

try:
    from exams.models import Certificate  # noqa: F401

    collect_ignore_glob: list[str] = []
except ImportError:
    warnings.warn("tests/funding skipped: the exams app (branch exams) is not in this checkout yet", stacklevel=1)
    collect_ignore_glob = ["test_*.py"]

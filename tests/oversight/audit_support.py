"""A project under audit, built through the real services: the fund's project (a class, five held sessions, a
contract) with complete trainees, an auditor assigned to it, and a second project with its own auditor."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from tests.factories import staff_user
from tests.funding.support import Fund
from training.roles import Role
from training.services.classes import attendance_record


class Audit:
    def __init__(self, trainees=4):
        self.fund = Fund()
        self.project = self.fund.project
        self.enrollments = [self.fund.enrol(passed=False) for _ in range(trainees)]
        self.sessions = self.fund.sessions
        self.auditor = staff_user(Role.AUDITOR)
        self.project.auditors.add(self.auditor)
        self.hr = self.fund.hr
        self.other = Fund()
        self.other_enrollment = self.other.enrol(complete=False, passed=False)
        self.other_auditor = staff_user(Role.AUDITOR)
        self.other.project.auditors.add(self.other_auditor)


def attend(fund, session, enrollment):
    return attendance_record(
        session=session,
        enrollment=enrollment,
        recorded_by=fund.staff,
        signed_in_at=timezone.make_aware(datetime.datetime.combine(session.date, session.start)),
        signed_out_at=timezone.make_aware(datetime.datetime.combine(session.date, session.end)),
        reason="签到设备故障，工作人员手工录入",
    )


def photo(size=(40, 30), fmt="PNG", name="evidence.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")

"""Demo data of oversight for `load_demo`: baselines and yearly targets of the three focus regions (Dongying with
its counties, Lianyungang, Lingwu), a few follow-ups in Dongying, and in the demo project a random draw, spot checks,
revisits (one "did not study", which opens a flag), complaints and the providers' credit, the demo provider's
lowered by what was found. Through the services, so every rule holds; running it twice changes nothing."""

from __future__ import annotations

import datetime
import secrets

from oversight import demo_history, rules, selectors, services
from oversight.models import FollowUp, FollowUpMethod, SampleDraw, Target
from oversight.selectors import spotchecks as audit_selectors
from oversight.services import credit as credit_services
from oversight.services import spotchecks as audit_services
from training.demo.organisations import DEMO_PROJECT_CODE
from training.models import Enrollment, PersonnelClass, Provider, Region, TrainingProject, User
from training.roles import Role
from training.scope import is_visible
from training.services import people

# cumulative share of the baseline by the end of each year, reaching 100 % in 2024
SHARES = {2021: 20, 2022: 45, 2023: 75, rules.FINAL_YEAR: 100}
# people to train per class (deputy heads, safety managers, team leaders) and enterprises, per county
COUNTY = {
    "370502": (60, 120, 360, 60),
    "370503": (30, 60, 180, 30),
    "370505": (40, 80, 240, 40),
    "370522": (25, 50, 150, 25),
    "370523": (50, 100, 300, 50),
}
CITIES = {"370500": 1.1, "320700": None}  # Dongying: its counties plus 10 % directly at city level
STANDALONE = {"320700": (180, 360, 1080, 180), "640181": (45, 90, 270, 45)}
RATES = {"370500": "0.920", "320700": "1.150", "640181": "0.870"}
FOLLOW_UPS = [
    (FollowUpMethod.PHONE, "企业答复：本月内将三类人员名单报县应急管理局"),
    (FollowUpMethod.VISIT, "上门督促，企业已确定首批参训的班组长"),
    (FollowUpMethod.NOTICE, "已下发书面督促通知，限期十日内报名"),
]


def _set(region: Region, figures: tuple[int, int, int, int], rate: str | None = None) -> None:
    for personnel_class, people_count in zip(PersonnelClass, figures[:3], strict=True):
        services.set_baseline(
            region=region,
            personnel_class=personnel_class,
            people=people_count,
            enterprises=figures[3],
            accident_rate_2020=rate,
        )
        for year, share in SHARES.items():
            services.set_target(
                region=region, personnel_class=personnel_class, year=year, people=people_count * share // 100
            )


def load(log=print) -> None:
    regions = {r.code: r for r in Region.objects.filter(code__in=[*COUNTY, *CITIES, *STANDALONE])}
    if Target.objects.filter(baseline__region__code="370500").exists():
        log("oversight: baselines already loaded")
    else:
        dongying = [sum(v[i] for v in COUNTY.values()) for i in range(4)]
        _set(regions["370500"], tuple(int(n * CITIES["370500"]) for n in dongying), RATES["370500"])
        for code, figures in COUNTY.items():
            _set(regions[code], figures)
        for code, figures in STANDALONE.items():
            _set(regions[code], figures, RATES[code])
        log("oversight: baselines and targets of 东营市 and its counties, 连云港市, 灵武市")
    demo_history.load(log)
    if not FollowUp.objects.exists():
        _follow_ups(regions, log)
    _audits(log)


def _follow_ups(regions, log) -> None:
    officer = User.objects.filter(username="em_dongying").first() or people.staff_user_create(
        username="em_dongying", password=secrets.token_urlsafe(16), role=Role.EM_OFFICER, region=regions["370500"]
    )
    # the enterprises the follow-up list names first (nobody enrolled, or far behind)
    enterprises = [b.enterprise for b in selectors.follow_up_list(officer)][: len(FOLLOW_UPS)]
    for days, (enterprise, (method, outcome)) in enumerate(zip(enterprises, FOLLOW_UPS, strict=False)):
        services.record_follow_up(
            enterprise=enterprise,
            date=datetime.date(2024, 6, 3) + datetime.timedelta(days=7 * days),
            method=method,
            outcome=outcome,
            user=officer,
        )
    log(f"oversight: {len(enterprises)} follow-ups in 东营市")


# ---- spot checks, revisits, complaints and credit ----------------------------------------------------------------

DEMO_SEED = 20241101  # the demo's draw is the same on every machine
CHECK_DAY = datetime.date(2024, 6, 12)


def _account(username: str, role, **binding) -> User:
    return User.objects.filter(username=username).first() or people.staff_user_create(
        username=username, password=secrets.token_urlsafe(16), role=role, **binding
    )


def _audits(log) -> None:
    project = TrainingProject.objects.filter(code=DEMO_PROJECT_CODE).select_related("provider", "region").first()
    if project is None:
        return
    if not SampleDraw.objects.filter(project=project).exists():
        credit_services.credit_recalculate()  # the scores before the checks: the history shows what moved them
        auditor = _account("auditor_demo", Role.AUDITOR)
        project.auditors.add(auditor)
        hr = _account("hr_dongying", Role.HR_OFFICER, region=project.region)
        draw = audit_services.sample_draw(
            project=project, user=auditor, seed=DEMO_SEED, session_size=3, learner_size=5
        )
        _spot_checks(draw, auditor)
        _revisits(project, draw, auditor)
        for provider, summary, substantiated in [
            (project.provider, "学员反映线下课程多次由非本机构登记的教师代课，经查属实", True),
            (
                Provider.objects.exclude(pk=project.provider_id).order_by("pk").first(),
                "投诉培训时间安排不合理，经查不属实",
                False,
            ),
        ]:
            if provider is not None and is_visible(hr, provider):
                credit_services.complaint_record(
                    provider=provider, user=hr, received_on=CHECK_DAY, summary=summary, substantiated=substantiated
                )
        log(
            f"oversight: random draw (seed {DEMO_SEED}), 2 spot checks, 2 revisits (1 did not study) in {project.code}"
        )
    added = credit_services.credit_recalculate()
    log(f"oversight: credit recalculated, {len(added)} scores changed")


def _spot_checks(draw: SampleDraw, auditor) -> None:
    sessions = audit_selectors.sessions_with_attendance(draw.session_ids)[:2]
    for index, session in enumerate(sessions):
        recorded, roster = audit_selectors.attendance_figures(session)
        missing = min(2, recorded) if index else 0
        audit_services.spot_check_record(
            session=session,
            user=auditor,
            draw=draw,
            checked_on=CHECK_DAY,
            present=recorded - missing,
            absent=roster - recorded + missing,
            finding="minor" if missing else "none",
            notes=f"签到记录{recorded}人，现场清点{recorded - missing}人，已要求机构说明" if missing else "",
        )


def _revisits(project, draw: SampleDraw, auditor) -> None:
    """One learner of the draw confirms they studied; one person who has hours but no pass yet (so no claim or
    certificate hangs on the flag) says someone else studied for them."""
    genuine = audit_selectors.enrollments_in_order(draw.enrollment_ids)[0]
    audit_services.revisit_record(
        enrollment=genuine, user=auditor, draw=draw, method="phone", revisited_on=CHECK_DAY, reached=True,
        attended=True, studied=True, answers="问：是否本人参加线下培训和线上学习？答：是，专题片也看完了",
    )  # fmt: skip
    suspect = (
        Enrollment.objects.filter(project=project, exam_passed_on__isnull=True, credited_hours__isnull=False)
        .exclude(pk=genuine.pk)
        .order_by("pk")
        .first()
    )
    if suspect is not None:
        audit_services.revisit_record(
            enrollment=suspect, user=auditor, method="visit", revisited_on=CHECK_DAY, reached=True, attended=True,
            studied=False, answers="问：线上课程是否本人学习？答：工作忙，让同事帮忙登录挂着",
        )  # fmt: skip

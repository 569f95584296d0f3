"""Demo data of oversight for `load_demo`: baselines and yearly targets of the three focus regions (Dongying with
its counties, Lianyungang, Lingwu) and a few follow-ups in Dongying. Through the services, so every rule holds;
running it twice changes nothing."""

from __future__ import annotations

import datetime
import secrets

from oversight import rules, selectors, services
from oversight.models import FollowUp, FollowUpMethod, Target
from training.models import PersonnelClass, Region, User
from training.roles import Role
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
    if FollowUp.objects.exists():
        return
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

"""Two claims racing for one person on PostgreSQL: exactly one wins (the partial unique index)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections

from funding.models import Claim
from funding.services.claims import batch_submit
from tests.factories import ProviderFactory
from tests.funding.support import Fund
from training.models import Enrollment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_providers_racing_for_one_person_exactly_one_wins():
    fund_a = Fund()
    e_a = fund_a.enrol()
    Enrollment.objects.filter(pk=e_a.pk).update(status="completed")  # no service ends an enrolment yet
    fund_b = Fund(region=fund_a.region, provider=ProviderFactory(region=fund_a.region))
    e_b = fund_b.enrol(trainee=e_a.trainee)
    barrier = threading.Barrier(2)
    outcomes = []

    def claim(fund, enrollment):
        try:
            barrier.wait()
            batch_submit(terms=fund.terms, enrollment_ids=[enrollment.pk], by=fund.staff)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(str(exc))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=claim, args=args) for args in ((fund_a, e_a), (fund_b, e_b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1, outcomes
    assert "全项目只能支付一次" in next(o for o in outcomes if o != "ok") or "每人只能支付一次" in next(
        o for o in outcomes if o != "ok"
    )
    assert Claim.objects.filter(trainee=e_a.trainee).count() == 1

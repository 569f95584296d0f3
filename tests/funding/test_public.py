"""The public disclosure and its downloads: real figures from the demo, no personal data, no formulas; fund_tally
prints the same figures as the page."""

import io
import re
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from funding.models import ClaimBatch, EntryKind, FraudCase, LedgerEntry
from funding.rules import yuan
from funding.tabular import to_csv, to_xlsx
from funding.tallies import Filters, totals
from training.models import Provider, Trainee, User
from training.services.organisations import provider_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())
    return True


def _xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def test_demo_has_a_budget_a_paid_batch_a_batch_under_review_and_a_clawback(demo):
    statuses = sorted(ClaimBatch.objects.values_list("status", flat=True))
    assert statuses == ["paid", "submitted"]
    assert LedgerEntry.objects.filter(kind=EntryKind.CLAWBACK).count() == 1 and FraudCase.objects.count() == 1
    out = StringIO()
    call_command("verify_ledger", stdout=out)
    assert out.getvalue().startswith("ledger ok: 5 entries, head ")  # reservation, three payments, a claw-back
    call_command("load_demo", stdout=StringIO())  # again: nothing new
    assert LedgerEntry.objects.count() == 5 and ClaimBatch.objects.count() == 2


def test_public_page_shows_real_figures_without_sign_in_and_without_personal_data(client, demo):
    response = client.get(reverse("funding:public-fund"))
    assert response.status_code == 200
    page = response.content.decode()
    t = totals(Filters())
    assert yuan(t["paid_fen"]) in page and yuan(t["reversed_fen"]) in page
    assert LedgerEntry.objects.order_by("-pk").first().hash in page
    csv_text = client.get(reverse("funding:public-fund-csv")).content.decode("utf-8")
    xlsx_text = _xlsx_text(client.get(reverse("funding:public-fund-xlsx")).content)
    assert yuan(t["paid_fen"]) in csv_text and yuan(t["paid_fen"]) in xlsx_text
    people = list(Trainee.objects.values_list("name", "id_number", "phone"))
    users = list(User.objects.exclude(first_name="").values_list("first_name", flat=True))
    assert people
    for text in (page, csv_text, xlsx_text):
        assert not re.search(r"\d{17}[\dXx]", text), "an ID number"
        assert not re.search(r"1[3-9]\d{9}", text), "a phone number"
        for name, id_number, phone in people:
            assert id_number not in text and (not phone or phone not in text)
            assert f">{name}<" not in text and f",{name}," not in text and f">{name}</t>" not in text
        for name in users:
            assert f">{name}<" not in text


def test_fund_tally_prints_the_same_figures_as_the_page(client, demo):
    out = StringIO()
    call_command("fund_tally", "--region", "370500", stdout=out)
    t = totals(Filters())
    total_line = out.getvalue().strip().splitlines()[-1].split("  ")
    assert total_line[:2] == ["total", "-"]
    assert total_line[3] == yuan(t["paid_fen"]) and total_line[4] == yuan(t["reversed_fen"])
    page = client.get(reverse("funding:public-fund") + "?region=370500").content.decode()
    assert total_line[3] in page and total_line[4] in page
    out = StringIO()
    call_command("fund_tally", "--format", "csv", "--from", "2000-01-01", "--to", "2099-12-31", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("group,name,reserved_yuan")


def test_no_cell_starts_a_formula(client, demo):
    provider = Provider.objects.first()
    provider.name = '=HYPERLINK("http://x")'
    provider.save(update_fields=["name"])
    provider_set_status(provider=provider, status="removed", reason="+SUM(A1) -1 @cmd")
    csv_text = client.get(reverse("funding:public-fund-csv")).content.decode("utf-8")
    for row in csv_text.splitlines():
        for cell in row.split(","):
            assert not cell.strip('"').startswith(("=", "+", "-", "@")), cell
    xml = _xlsx_text(client.get(reverse("funding:public-fund-xlsx")).content)
    assert "<f>" not in xml and "'=HYPERLINK" in xml and "'+SUM(A1)" in xml
    assert b"'=1" in to_csv([["=1"]]) and "'@x" in _xlsx_text(to_xlsx([["@x"]]))

from django.urls import path

from funding.views import public

app_name = "funding"

urlpatterns = [
    path("public/fund/", public.public_fund, name="public-fund"),
    path("public/fund/export.csv", public.public_fund_csv, name="public-fund-csv"),
    path("public/fund/export.xlsx", public.public_fund_xlsx, name="public-fund-xlsx"),
]

from funding.views import staff, terms  # noqa: E402

urlpatterns += [
    path("fund/", staff.fund_home, name="home"),
    path("fund/contracts/<int:pk>/claimable/", staff.claimable_list, name="claimable"),
    path("fund/batches/<int:pk>/", staff.batch_detail, name="batch-detail"),
    path("fund/batches/<int:pk>/<slug:action>/", staff.batch_action, name="batch-action"),
    path("fund/budgets/", terms.budget_list, name="budgets"),
    path("fund/contracts/", terms.contract_list, name="contracts"),
    path("fund/service-contracts/<int:pk>/terms/", terms.terms_page, name="terms"),
    path("fund/contracts/<int:pk>/acceptance/", terms.acceptance_page, name="acceptance"),
]

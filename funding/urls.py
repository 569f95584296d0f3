from django.urls import path

from funding.views import public

app_name = "funding"

urlpatterns = [
    path("public/fund/", public.public_fund, name="public-fund"),
    path("public/fund/export.csv", public.public_fund_csv, name="public-fund-csv"),
    path("public/fund/export.xlsx", public.public_fund_xlsx, name="public-fund-xlsx"),
]

"""Who may do what with the fund: funding's rows of the one table (training/roles.py), registered from ready().

HR of a pooling area records the yearly budget (13号 art. 5) and the fund terms of service contracts (prices, shares,
the online tender, the low-price acknowledgement) and reviews claim batches; the social insurance agency approves
and pays them and decides fraud cases; the third party (第三方机构) and the experts (专家) record acceptance (验收,
SPEC 'People and organisations'); providers claim. Viewing a table (view_*) is what opens its page and admin list;
rows are limited by training/scope.py.
"""

from training.roles import Role

_TERMS = {"funding.view_contractterms", "funding.view_contractprice", "funding.view_acceptance"}
_READ = _TERMS | {
    "funding.view_fundrule",
    "funding.view_budget",
    "funding.view_claimbatch",
    "funding.view_claim",
    "funding.view_batchevent",
    "funding.view_ledgerentry",
    "funding.view_fraudcase",
}

GRANTS: dict[Role, set[str]] = {
    Role.PROVIDER_STAFF: _TERMS
    | {"funding.view_claimbatch", "funding.view_claim", "funding.view_batchevent", "funding.submit_claim"},
    Role.HR_OFFICER: _READ
    | {"funding.manage_budget", "funding.manage_contract_terms", "funding.review_batch", "funding.decide_fraud"},
    Role.SI_OFFICER: _READ | {"funding.approve_batch", "funding.pay_batch", "funding.decide_fraud"},
    Role.AUDITOR: _TERMS | {"funding.record_acceptance"},
    Role.EXPERT: _TERMS | {"funding.record_acceptance"},
    Role.EM_OFFICER: {"funding.view_budget", "funding.view_claimbatch"},
}

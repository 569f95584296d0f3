"""Who may do what with the fund: funding's rows of the one table (training/roles.py), registered from ready().

HR of a pooling area keeps budgets and contract terms and reviews claim batches; the social insurance agency
approves and pays them and decides fraud cases; the third party and the experts record acceptance; providers claim.
"""

from training.roles import Role

_READ = {
    "funding.view_budget",
    "funding.view_contractterms",
    "funding.view_claimbatch",
    "funding.view_claim",
    "funding.view_ledgerentry",
    "funding.view_fraudcase",
}

GRANTS: dict[Role, set[str]] = {
    Role.PROVIDER_STAFF: {
        "funding.view_contractterms",
        "funding.view_claimbatch",
        "funding.view_claim",
        "funding.submit_claim",
    },
    Role.HR_OFFICER: _READ
    | {"funding.manage_budget", "funding.manage_contract_terms", "funding.review_batch", "funding.decide_fraud"},
    Role.SI_OFFICER: _READ | {"funding.approve_batch", "funding.pay_batch", "funding.decide_fraud"},
    Role.AUDITOR: {"funding.view_contractterms", "funding.record_acceptance"},
    Role.EXPERT: {"funding.view_contractterms", "funding.record_acceptance"},
    Role.EM_OFFICER: {"funding.view_budget", "funding.view_claimbatch"},
}

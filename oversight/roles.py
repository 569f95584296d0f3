"""Who may do what in oversight: its rows of the one table (training/roles.py), registered from OversightConfig."""

from training.roles import Role

_READ = {"oversight.view_coverage", "oversight.view_baseline", "oversight.view_followup"}
_OFFICER = _READ | {"oversight.record_followup"}

# Spot checks and revisits (随机抽查, 培训回访): third-party auditors draw and record them in their projects; HR and
# EM read them. Credit (信用体系): HR and EM read it; HR enters complaints and warns, suspends or removes providers.
_AUDIT_READ = {"oversight.view_sampledraw", "oversight.view_spotcheck", "oversight.view_revisit"}
_CREDIT_READ = {
    "oversight.view_credit", "oversight.view_creditscore", "oversight.view_creditweights",
    "oversight.view_complaint", "oversight.view_providersanction",
}  # fmt: skip

GRANTS: dict[Role, set[str]] = {
    # EM departments set the enterprises and people to train and the targets; HR the accident-rate baseline.
    Role.EM_OFFICER: _OFFICER
    | _AUDIT_READ
    | _CREDIT_READ
    | {"oversight.set_target", "oversight.add_baseline", "oversight.change_baseline"},
    Role.HR_OFFICER: _OFFICER
    | _AUDIT_READ
    | _CREDIT_READ
    | {"oversight.set_target", "oversight.add_baseline", "oversight.change_baseline"}
    | {"oversight.add_complaint", "oversight.sanction_provider"},
    Role.PARK_OFFICER: _OFFICER,
    Role.AUDITOR: _AUDIT_READ | {"oversight.draw_sample", "oversight.add_spotcheck", "oversight.add_revisit"},
}

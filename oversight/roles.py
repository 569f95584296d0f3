"""Who may do what in oversight: its rows of the one table (training/roles.py), registered from OversightConfig."""

from training.roles import Role

_READ = {"oversight.view_coverage", "oversight.view_baseline", "oversight.view_followup"}
_OFFICER = _READ | {"oversight.record_followup"}

GRANTS: dict[Role, set[str]] = {
    # EM departments set the enterprises and people to train and the targets; HR the accident-rate baseline.
    Role.EM_OFFICER: _OFFICER | {"oversight.set_target", "oversight.add_baseline", "oversight.change_baseline"},
    Role.HR_OFFICER: _OFFICER | {"oversight.set_target", "oversight.add_baseline", "oversight.change_baseline"},
    Role.PARK_OFFICER: _OFFICER,
}

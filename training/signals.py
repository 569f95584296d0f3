"""Reference data that must exist after `migrate` (and after a test database flush)."""


def create_national_rule_set(sender, using="default", **kwargs):
    """The national default training rules (SPEC 二(二)–(四)) exist in every database: rule_set_in_force
    falls back to them. Seeding reference data only; no business effects chain from here."""
    from training.services.policy import ensure_national_default

    if using == "default":
        ensure_national_default()

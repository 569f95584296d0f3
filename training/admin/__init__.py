from training.admin import organisations, people, projects, rosters  # noqa: F401  (registers the ModelAdmins)

from training.admin import organisations, people, projects  # noqa: F401  (registers the ModelAdmins)

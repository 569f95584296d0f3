from training.admin import (  # noqa: F401  (registers the ModelAdmins)
    classes,  # issue 3: offline classes, sessions, attendance, hours
    organisations,
    people,
    plans,  # issue 3: rule sets, plans, contracts, reviews
    projects,
    rosters,  # issue 3: roster uploads and the roster import screen
)

"""Pages of online study: consent and enrolment (consent.py), the study page (study.py), flag review (flags.py)."""

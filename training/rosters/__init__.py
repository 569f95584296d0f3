"""Rosters (花名册) that providers submit (issue 3 "Rosters"): one validation path for every door.

reading.read_roster(file) → DataFrame of strings; batch.check_roster(frame, project=) → per-row verdicts;
service.roster_import(project=, frame=, skip_invalid=, dry_run=) → writes in one transaction;
report.error_report_* / roster_template_xlsx → files for people.
"""

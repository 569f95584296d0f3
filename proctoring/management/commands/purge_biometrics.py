"""`manage.py purge_biometrics`: delete biometric data past its retention period and print the counts.

Celery beat runs the same function every hour (settings.CELERY_BEAT_SCHEDULE["purge-biometrics"]).
"""

from django.core.management.base import BaseCommand

from proctoring.services.retention import purge_expired


class Command(BaseCommand):
    help = "Delete expired enrolment photos, snapshots and flag evidence (proctoring.services.retention)."

    def handle(self, *args, **options):
        counts = purge_expired()
        for kind, number in counts.items():
            self.stdout.write(f"{kind}: {number}")
        self.stdout.write(f"total: {sum(counts.values())}")

"""The command-line behaviour shared with `import_roster`: one `error: …` line and exit 2 for an unusable file,
`row N: 列: 原因` lines and exit 1 for bad rows, never a traceback."""

import sys

from django.core.management.base import BaseCommand, CommandError


class ImportCommand(BaseCommand):
    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as e:
            if not self._called_from_command_line:
                raise
            self.stderr.write(f"error: {e}" if e.returncode == 2 else str(e))
            sys.exit(e.returncode)

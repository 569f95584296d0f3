"""Loads the demo data of fixtures/demo/ (idempotent: a second run finds every row and creates nothing)."""

import importlib
import inspect

from django.core.management.base import BaseCommand
from django.db import transaction

# Apps above `training` may ship a `demo` module with a `load(log)` function; it runs after training's steps.
OTHER_APPS = ["proctoring", "exams", "funding", "oversight"]


def _call(step, log):
    if inspect.signature(step).parameters:
        step(log)
    else:
        step()


class Command(BaseCommand):
    help = "载入演示数据（fixtures/demo/），可重复运行"

    def handle(self, *args, **options):
        from training.demo import STEPS

        steps = list(STEPS)
        for app in OTHER_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app}.demo":
                    raise
                continue
            steps.append(module.load)

        with transaction.atomic():
            for step in steps:
                self.stdout.write(f"==> {step.__module__}")
                _call(step, self.stdout.write)
        self.stdout.write(self.style.SUCCESS("演示数据已载入"))

"""Demo data for `manage.py load_demo`, read from the readable CSV files in fixtures/demo/.

Each step is a function `load(log)` (log: a callable taking one line of progress text) that gets or creates its
rows by natural key through the services, so running it twice changes nothing. `load_demo` runs every step in
order inside one transaction, then `<app>.demo.load` of the other apps when they have one.
"""

from training.demo import classes, organisations

STEPS = [organisations.load, classes.load]

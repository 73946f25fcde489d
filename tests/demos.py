"""The demo data as `manage.py seed_demo` lays it down, for each app's test of its demo."""

from contextlib import contextmanager

from bureaus.context import acting, system_actor
from bureaus.demo import seed_bureaus


@contextmanager
def demo_seeded(*demos):
    """Inside: acting as seed_demo, with the demo bureaus and then each of `demos` (an app's
    demo module) seeded, in that order."""
    with acting(system_actor("seed_demo")):
        seed_bureaus()
        for demo in demos:
            demo.seed()
        yield

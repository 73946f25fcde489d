"""`manage.py seed_demo`: load the demo data of every app (idempotent)."""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bureaus import rls
from bureaus.context import acting, system_actor
from bureaus.demo import DEMO_PASSWORD, seed_bureaus


class Command(BaseCommand):
    help = "Load demo bureaus, users and each app's demo records (safe to re-run)."

    def handle(self, *args, **options):
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError(
                "Demo data is for development machines (ALLOW_DEMO_DATA is off in these settings)."
            )
        # Demo data spans every bureau: a platform job (it runs as the owner in `make run`).
        with acting(system_actor("seed_demo")), rls.platform_access("seed_demo"):
            logins = seed_bureaus()
            # Apps after bureaus may offer `<app>.demo.seed()`; they run in dependency order.
            for config in apps.get_app_configs():
                if config.name == "bureaus":
                    continue
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError:
                    continue
                # A seed may return more demo logins (the portal's institution accounts).
                logins += module.seed() or []
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username, description in logins:
            self.stdout.write(f"  {username:<22} {description}")

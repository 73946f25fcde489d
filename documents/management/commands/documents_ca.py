"""Create the platform CA if it does not exist yet (run by `make run`); print its certificate."""

from django.core.management.base import BaseCommand

from documents import signing


class Command(BaseCommand):
    help = "Create the platform CA that certifies bureau signing keys (once); print its PEM."

    def add_arguments(self, parser):
        parser.add_argument("--print", action="store_true", help="print the CA certificate")

    def handle(self, *args, **options):
        authority = signing.platform_authority()
        if options["print"]:
            self.stdout.write(authority.certificate_pem)

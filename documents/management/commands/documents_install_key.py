"""Install a signing key and certificate issued by a bureau's real CA (replaces the platform's)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bureaus.context import acting, system_actor
from bureaus.models import Bureau
from documents import signing


class Command(BaseCommand):
    help = "Install a bureau's signing key + certificate (PEM files) issued by its own CA."

    def add_arguments(self, parser):
        parser.add_argument("bureau_code")
        parser.add_argument("--cert", required=True, help="the bureau's certificate (PEM)")
        parser.add_argument("--key", required=True, help="its private key (PEM, unencrypted)")
        parser.add_argument("--chain", default="", help="issuing CA certificates (PEM), root last")

    def handle(self, *args, bureau_code, cert, key, chain, **options):
        bureau = Bureau.objects.filter(code=bureau_code).first()
        if bureau is None:
            raise CommandError(f"no bureau with code {bureau_code}")
        try:
            with acting(system_actor("documents_install_key")):
                installed = signing.install_key(
                    bureau=bureau,
                    certificate_pem=Path(cert).read_text(),
                    private_key_pem=Path(key).read_text(),
                    chain_pem=Path(chain).read_text() if chain else "",
                )
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"installed for {bureau.name}: SHA-256 {installed.fingerprint}")

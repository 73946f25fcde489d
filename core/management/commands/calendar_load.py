"""`manage.py calendar_load [YEAR ...]`: (re)load the working-day calendar from the
chinesecalendar package; a year it does not know is reported, not an error."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from core import workdays


class Command(BaseCommand):
    help = "Load holidays and make-up working days into the working-day calendar."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int)

    def handle(self, *args, years, **options):
        this_year = timezone.localdate().year
        years = years or [this_year - 1, this_year, this_year + 1]
        for year, rows in workdays.calendar_load(years).items():
            if rows:
                self.stdout.write(f"{year}: {rows} days loaded")
            else:
                self.stdout.write(
                    f"{year}: not known to chinesecalendar; Monday-Friday is assumed until the "
                    "schedule is entered on the calendar page (/calendar/)"
                )

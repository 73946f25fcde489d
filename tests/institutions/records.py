"""Makers of the registry's scoped records for the isolation test (tests/records.py)."""

from institutions.models import ImportJob, Institution, ListEntry, Site, Staff
from tests.records import maker


@maker(Institution)
def _institution(bureau, marker):
    return Institution.objects.create(bureau=bureau, name=marker, category="arts")


@maker(ListEntry)
def _list_entry(bureau, marker):
    institution = _institution(bureau, marker)
    return ListEntry.objects.create(
        bureau=bureau, institution=institution, kind=ListEntry.Kind.BLACK, reason="无证办学"
    )


@maker(ImportJob)
def _import_job(bureau, marker):
    return ImportJob.objects.create(bureau=bureau, original_name=marker, file="imports/x.xlsx")


@maker(Staff)
def _staff(bureau, marker):
    institution = _institution(bureau, marker)
    return Staff.objects.create(bureau=bureau, institution=institution, name=marker)


@maker(Site)
def _site(bureau, marker):
    institution = _institution(bureau, marker)
    return Site.objects.create(bureau=bureau, institution=institution, address=marker)

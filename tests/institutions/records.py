"""Makers of the registry's scoped records for the isolation test (tests/records.py)."""

from institutions.models import ImportJob, Institution, ListEntry
from tests.records import maker


@maker(Institution)
def _institution(bureau, marker):
    return Institution.objects.create(bureau=bureau, name=marker, category="arts")


@maker(ListEntry)
def _list_entry(bureau, marker):
    institution = Institution.objects.create(bureau=bureau, name=marker, category="arts")
    return ListEntry.objects.create(
        bureau=bureau, institution=institution, kind=ListEntry.Kind.BLACK, reason="无证办学"
    )


@maker(ImportJob)
def _import_job(bureau, marker):
    return ImportJob.objects.create(bureau=bureau, original_name=marker, file="imports/x.xlsx")

"""How to make one record of each scoped model for the isolation test.

Every model served by a scoped page or viewset needs a maker here: `(bureau, marker) -> record`,
where `marker` is a unique text the record shows on its list page and in its API payload.
A new scoped route whose model has no maker fails the isolation test, on purpose.
"""

from collections.abc import Callable
from importlib import import_module

from bureaus.context import acting, system_actor
from bureaus.models import AuditEvent, Bureau, Department, Membership, Street, User

MAKERS: dict[type, Callable] = {}


def maker(model):
    def register(function):
        MAKERS[model] = function
        return function

    return register


def make_record(model, bureau: Bureau, marker: str):
    with acting(system_actor("tests")):
        return MAKERS[model](bureau, marker)


@maker(Bureau)
def _bureau(bureau, marker):
    # Bureaus are not owned by a bureau: the district itself is the record; rename it so the
    # marker is what its pages show.
    Bureau.objects.filter(pk=bureau.pk).update(name=marker)
    bureau.refresh_from_db()
    return bureau


@maker(Street)
def _street(bureau, marker):
    return Street.objects.create(bureau=bureau, name=marker)


@maker(Department)
def _department(bureau, marker):
    return Department.objects.create(bureau=bureau, name=marker, kind=Department.Kind.FIRE)


@maker(Membership)
def _membership(bureau, marker):
    user = User.objects.create_user(username=marker, display_name=marker)
    return Membership.objects.create(user=user, bureau=bureau, role=Membership.Role.OFFICER)


@maker(User)
def _user(bureau, marker):
    return User.objects.create_user(username=marker, display_name=marker, bureau=bureau)


@maker(AuditEvent)
def _audit_event(bureau, marker):
    street = Street.objects.create(bureau=bureau, name=marker)
    return AuditEvent.objects.get(model="bureaus.street", object_id=str(street.pk))


# Each app's makers live in tests/<app>/records.py and register themselves on import.
for _app in (
    "institutions",
    "inspections",
    "complaints",
    "funds",
    "reports",
    "documents",
    "courses",
    "portal",
):
    try:
        import_module(f"tests.{_app}.records")
    except ModuleNotFoundError as exc:
        if exc.name != f"tests.{_app}.records" and exc.name != f"tests.{_app}":
            raise

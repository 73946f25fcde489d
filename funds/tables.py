"""The columns of the funds staff lists (core.tables)."""

from django.utils.translation import gettext_lazy as _
from django_tables2 import Column

from core.tables import ListTable, sort


class WarningTable(ListTable):
    class Meta(ListTable.Meta):
        pass

    # Sorts only on the primary key (raised_at is set on insert, so the id is its order) or
    # the (bureau, status) inbox index's columns.
    kind = Column(_("Kind"))
    level = Column(_("Level"))
    institution = Column(_("Institution"))
    detail = Column(_("Detail"))
    status = Column(_("Status"), orderable=True, order_by=sort("status"))
    raised = Column(_("Raised"), orderable=True, order_by=sort())
    district = Column(_("District"), orderable=True, order_by=sort("bureau_id", "status"))


class AccountTable(ListTable):
    class Meta(ListTable.Meta):
        pass

    # At most one open account per institution: a district's accounts are few, so the balance
    # and the small choice columns sort without an index. The number is encrypted: never sorted.
    institution = Column(_("Institution"))
    bank = Column(_("Bank"))
    account_number = Column(_("Account number"))
    mode = Column(_("Mode"), orderable=True, order_by=sort("mode"))
    balance = Column(_("Balance"), orderable=True, order_by=sort("balance_fen"))
    status = Column(_("Status"), orderable=True, order_by=sort("status"))
    district = Column(_("District"), orderable=True, order_by=sort("bureau_id"))


class FeeRecordTable(ListTable):
    class Meta(ListTable.Meta):
        pass

    # Sorts only on the (institution, contract number) unique index's or the (bureau,
    # institution) index's columns. The student is shown masked, never sorted.
    contract_number = Column(_("Contract number"))
    institution = Column(
        _("Institution"), orderable=True, order_by=sort("institution_id", "contract_number")
    )
    student = Column(_("Student"))
    course = Column(_("Course"))
    amount = Column(_("Amount"))
    period = Column(_("Period"))
    class_hours = Column(_("Class hours"))
    violation = Column(_("Violation"))
    district = Column(_("District"), orderable=True, order_by=sort("bureau_id", "institution_id"))


class StatementImportTable(ListTable):
    class Meta(ListTable.Meta):
        pass

    # Sorts only on the primary key (created_at is set on insert, so the id is its order) or
    # the district's foreign key.
    file = Column(_("File"))
    state = Column(_("State"))
    lines = Column(_("Lines"))
    booked = Column(_("Booked"))
    duplicates = Column(_("Already booked"))
    imported_at = Column(_("Imported at"), orderable=True, order_by=sort())
    district = Column(_("District"), orderable=True, order_by=sort("bureau_id"))

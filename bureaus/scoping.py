"""Tenant scoping: every bureau-owned row is read through `visible_to` and written through
`editable_by`, and every write to it lands in the audit trail.

Guarantees:
- `visible_to(user)` returns only rows owned by the user's acting bureau or a bureau below it.
- `editable_by(user)` returns only rows owned by the user's acting bureau itself.
- A user with no acting membership (anonymous, no membership, background job) sees nothing.
- `save`, `delete`, queryset `update`, `delete`, `bulk_create` and `bulk_copy` (COPY, for
  large imports) write audit events in the
  same transaction as the change; the only unaudited write is the one named
  `dangerously_unaudited()` (bookkeeping such as a job's progress counters, never domain data).
- A child row (`tenant_parent = "<field>"`) always carries its parent's bureau: `save()` and
  `bulk_create()` set it when missing and refuse a row whose bureau differs from its parent's.
"""

import operator

from django.db import connections, models, transaction
from django.utils import timezone


def acting_membership(user):
    """The membership the user acts through in this request, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "membership", None)


class ScopedQuerySet(models.QuerySet):
    """Reads and writes limited to the user's bureau subtree / own bureau."""

    def visible_to(self, user):
        membership = acting_membership(user)
        if membership is None:
            return self.none()
        return self.filter(bureau_id__in=membership.bureau.subtree_ids())

    def editable_by(self, user):
        membership = acting_membership(user)
        if membership is None:
            return self.none()
        return self.filter(bureau_id=membership.bureau_id)


# Field types whose Python value psycopg writes as the field would (no preparation to run);
# any other type (JSON, an encrypted field) goes through get_db_prep_save in bulk_copy.
_PLAIN_FIELDS = frozenset(
    {
        models.BigAutoField,
        models.AutoField,
        models.BigIntegerField,
        models.IntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.SmallIntegerField,
        models.BooleanField,
        models.CharField,
        models.TextField,
        models.DateField,
        models.DateTimeField,
        models.ForeignKey,
        models.OneToOneField,
    }
)


class UnauditedQuerySet(ScopedQuerySet):
    """The rows of a BureauScopedQuerySet whose writes leave no audit event; reached only
    through `dangerously_unaudited()`. Child rows still take their parent's bureau."""

    def bulk_create(self, objs, *args, **kwargs):
        for obj in objs:
            obj.inherit_bureau()
        return super().bulk_create(objs, *args, **kwargs)


class BureauScopedQuerySet(ScopedQuerySet):
    """Scoped, and every bulk write audited."""

    def dangerously_unaudited(self):
        """The same rows, written without audit events: for bookkeeping (a job's progress
        counters) and benchmark data only, never for domain data."""
        clone = self._chain()
        clone.__class__ = UnauditedQuerySet
        return clone

    def update(self, **kwargs):
        from bureaus import audit

        with transaction.atomic(using=self.db):
            before = audit.snapshot_rows(self, fields=kwargs.keys())
            count = super().update(**kwargs)
            audit.record_bulk_update(self.model, before=before, fields=kwargs.keys())
        return count

    update.alters_data = True

    def delete(self):
        from bureaus import audit

        with transaction.atomic(using=self.db):
            rows = list(self)
            result = super().delete()
            audit.record_bulk_delete(self.model, rows)
        return result

    delete.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        from bureaus import audit

        for obj in objs:
            obj.inherit_bureau()
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            audit.record_bulk_create(self.model, created)
        return created

    def bulk_copy(self, objs) -> list:
        """bulk_create through PostgreSQL COPY, for imports of many rows (bureaus.copying):
        the same rows, ids set on the objects (in the order given), auto_now(_add) fields set
        as pre_save would (one time for the batch), other values prepared as the model field
        would (an encrypted field encrypts), and the same audit rows (audit.record_bulk_copy),
        in one transaction with row-level security, triggers and constraints applying."""
        from bureaus import audit, copying

        objs = list(objs)
        if not objs:
            return objs
        model = self.model
        for obj in objs:
            obj.inherit_bureau()
        connection = connections[self.db]
        fields = list(model._meta.concrete_fields)
        now = timezone.now()
        with transaction.atomic(using=self.db):
            ids = copying.reserve_ids(model, len(objs), using=self.db)
            pk = model._meta.pk.attname
            for obj, new_id in zip(objs, ids, strict=True):
                setattr(obj, pk, new_id)
                obj._state.adding = False
                obj._state.db = self.db
            plain, prepared = [], []
            for field in fields:
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    for obj in objs:
                        setattr(obj, field.attname, now)
                if type(field) in _PLAIN_FIELDS:
                    plain.append(field)
                else:
                    prepared.append(field)
            columns = [f.column for f in plain + prepared]
            values = operator.attrgetter(*(f.attname for f in plain))

            def rows():
                for obj in objs:
                    yield (
                        *values(obj),
                        *(
                            f.get_db_prep_save(f.value_from_object(obj), connection)
                            for f in prepared
                        ),
                    )

            copying.copy_rows(model, columns, rows(), using=self.db)
            audit.record_bulk_copy(model, objs, using=self.db)
        return objs


class BureauOwnedModel(models.Model):
    """A row owned by a bureau (most often a district); the unit of tenancy."""

    bureau = models.ForeignKey(
        "bureaus.Bureau", on_delete=models.PROTECT, related_name="+", verbose_name="bureau"
    )

    objects = BureauScopedQuerySet.as_manager()

    # Field names whose values never enter the audit trail (personal data): shown as "***".
    audit_redact: frozenset[str] = frozenset()

    # A child row names the foreign key of the row it belongs to (e.g. "institution"); its
    # bureau is always that parent's bureau.
    tenant_parent: str | None = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from bureaus import audit

        self.inherit_bureau()
        with transaction.atomic():
            before = audit.snapshot(self)
            super().save(*args, **kwargs)
            audit.record_save(self, before=before)

    def full_clean(self, *args, **kwargs):
        self.inherit_bureau()
        super().full_clean(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from bureaus import audit

        with transaction.atomic():
            pk = self.pk
            result = super().delete(*args, **kwargs)
            audit.record_delete(self, pk=pk)
        return result

    def inherit_bureau(self) -> None:
        """Take the bureau from the tenant parent, or refuse a row that names another one."""
        if self.tenant_parent is None:
            return
        parent_id = getattr(self, f"{self.tenant_parent}_id")
        if parent_id is None:
            return
        parent = getattr(self, self.tenant_parent)
        if self.bureau_id is None:
            self.bureau_id = parent.bureau_id
        elif self.bureau_id != parent.bureau_id:
            raise ValueError(
                f"{type(self).__name__}.bureau ({self.bureau_id}) differs from its "
                f"{self.tenant_parent}'s bureau ({parent.bureau_id})"
            )

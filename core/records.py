"""Writing some fields of a record without a stale full-row save."""


def update_locked(record, fields: dict, *, check=None, also=()):
    """Lock `record`'s row and read it afresh, set `fields` on that copy, run `check(copy)` (a
    ValidationError it raises leaves nothing written), save those fields and `also` (the fields
    the save derives from them) only, and show them on the caller's `record`. Returns the
    locked copy. Runs inside the caller's transaction."""
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    if check is not None:
        check(locked)
    update = [*fields, *also]
    if update:
        locked.save(update_fields=update)
    for name in update:
        setattr(record, name, getattr(locked, name))
    return locked

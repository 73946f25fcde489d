"""Writes for tip-offs, one module per part of the work: `intake` (every channel, public
tracking, the district's policy), `handling` (the staff workflow and the reporter-identity
reveal), `overdue` (the periodic deadline job), `orders` (supervision orders), `rewards` and
`refunds`. Callers import the module they need.

Every service takes keyword-only arguments; staff services take `actor` (a user with an acting
membership) and a record the caller fetched through `editable_by(actor)`, and check again that
it belongs to the actor's district. Business-rule violations raise ValidationError (Chinese
messages); acting outside one's role raises PermissionDenied.
"""

"""Writes to the registry, one module per part of it (callers import the module they need):
`registry` (the institution's record), `lifecycle` (its status), `lists` (white and black
lists), `credentials`, `sites`, `staff` and `reviews`.

Each service validates, refuses what breaks a rule of `institutions.rules` with that rule's
message, owns its transaction, leaves the audit trail to BureauOwnedModel and refreshes the
institution's rule warnings after every change."""

"""Staff pages for tip-offs, one module per page family: `inbox`, `record`, `steps`,
`orders`."""

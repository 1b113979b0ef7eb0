"""Every read in the student partners' scheme, scoped by `widen.partners.permissions`."""

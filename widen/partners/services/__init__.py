"""Every write in the student partners' scheme that has a rule, one module per area."""

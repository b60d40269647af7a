"""Hidden suite of the initialization assignment (never released to students)."""

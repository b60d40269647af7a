"""Hidden suite of the optimization assignment (never released to students)."""

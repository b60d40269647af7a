"""Hidden suite of the backprop assignment (never released to students)."""

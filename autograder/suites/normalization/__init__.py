"""Hidden suite of the normalization assignment (never released to students)."""

"""Hidden suite of the regularization assignment (never released to students)."""

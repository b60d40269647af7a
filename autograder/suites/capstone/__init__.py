"""Hidden suite of the capstone (never released to students)."""

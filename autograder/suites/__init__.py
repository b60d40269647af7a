"""Hidden suites, one folder per assignment (never released to students)."""

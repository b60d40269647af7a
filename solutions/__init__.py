"""Reference implementations: the single source of truth for every graded function."""

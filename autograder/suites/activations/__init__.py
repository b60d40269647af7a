"""Hidden suite of the activations assignment (never released to students)."""

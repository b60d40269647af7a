"""The course grading engine: sandbox, call interface, hidden-suite runner, pipeline, CLI."""

"""Shared fixtures, and a summary of timings that some tests report (printed after the run)."""
import os
from pathlib import Path

import pytest

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parent.parent
TIMINGS = []


def assignments():
    """Every assignment with a source notebook: tests over this list guard the ones added later."""
    return sorted(p.name for p in (REPO / "assignments").iterdir() if (p / f"{p.name}.ipynb").is_file())


@pytest.fixture
def report_time():
    """Call with (label, seconds): printed in the run's summary."""
    return lambda label, seconds: TIMINGS.append((label, seconds))


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("timings")
        for label, seconds in TIMINGS:
            terminalreporter.write_line(f"{label}: {seconds:.1f} s")

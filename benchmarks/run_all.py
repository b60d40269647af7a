"""Run-All time of each solution notebook, as in a student's own Jupyter (threads not pinned).

    .venv/bin/python benchmarks/run_all.py [assignment ...]

Each notebook of assignments/ runs top to bottom, experiments included, in a fresh python3
kernel whose environment has no *_NUM_THREADS variables (the course library pins one BLAS thread
itself), in a scratch folder. Goal: under 60 s each on two cores.
"""
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent


def main():
    names = sys.argv[1:] or sorted(p.name for p in (REPO / "assignments").iterdir()
                                   if (p / f"{p.name}.ipynb").is_file())
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    print(f"{os.cpu_count()} cores\n| notebook | Run-All |\n|---|---|")
    for name in names:
        nb = nbformat.read(REPO / "assignments" / name / f"{name}.ipynb", as_version=4)
        with tempfile.TemporaryDirectory() as tmp:
            start = time.monotonic()
            NotebookClient(nb, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": tmp}}).execute(env=env)
            print(f"| {name} | {time.monotonic() - start:.1f} s |", flush=True)


if __name__ == "__main__":
    main()

"""Throughput of `course autograde` against plain `nbgrader autograde`, on one simulated class.

    .venv/bin/python benchmarks/throughput.py [--assignment regularization] [--students 12]

The class: a third each submit the reference, the release untouched, and the assignment's
common mistakes (variants.DEMO_MISTAKES). `course autograde --force` grades it with one worker
and with one per core; plain nbgrader grades the same notebooks serially, its grade cells being
the visible checks run in the student's kernel, with the experiment cells (which it cannot skip)
removed. Both pin one BLAS thread. Printed: wall time, submissions per minute, the ratio to
nbgrader, per-item agreement of the scores, and the mean seconds per stage of one submission
(from the result files) against its floor, the student's graded cells.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", MPLBACKEND="Agg")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nbformat  # noqa: E402
from nbgrader.api import Gradebook  # noqa: E402

from autograder import commands  # noqa: E402
from autograder.course import Course  # noqa: E402
from autograder.demo import classmates  # noqa: E402
from autograder.notebook import EXPERIMENT_TAG  # noqa: E402
from autograder.session import STAGES  # noqa: E402
from autograder.suite import suite_items  # noqa: E402

KINDS = ("reference", "blank", "mistakes")
HONEST = ("reference", "blank")


def make_class(root, assignment, n, strip_experiments):
    """A released course with n submissions in submitted/ (as `course collect` leaves them)."""
    course = Course(root / "course").init(exchange=root / "exchange")
    commands.release(course, assignment)
    release_nb = course.release_notebooks(assignment)[f"{assignment}.ipynb"]
    made = classmates(assignment, release_nb)
    students = {}
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        nb, files = made[kind]
        if strip_experiments:
            nb = nbformat.from_dict(nb)
            nb.cells = [c for c in nb.cells if EXPERIMENT_TAG not in c.metadata.get("tags", [])]
        folder = course.path("submitted", f"{kind}-{i:03d}", assignment)
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")
        (folder / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC")
        for name, data in files.items():
            (folder / name).write_bytes(data)
        students[f"{kind}-{i:03d}"] = kind
    return course, students


def yardstick():
    """Seconds for 10**7 additions in a pure-Python loop: a yardstick of the machine's speed,
    printed beside each figure so that figures from different machines can be compared."""
    start, total = time.monotonic(), 0
    for i in range(10**7):
        total += i
    return time.monotonic() - start


def timed(command, cwd):
    start = time.monotonic()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} failed: {(proc.stderr or proc.stdout).strip()[-500:]}")
    return time.monotonic() - start


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--assignment", default="regularization")
    p.add_argument("--students", type=int, default=12)
    args = p.parse_args()
    a, n, cores = args.assignment, args.students, os.cpu_count()
    bindir = Path(sys.executable).parent
    items = list(suite_items(a))
    with tempfile.TemporaryDirectory() as tmp:
        ours, students = make_class(Path(tmp) / "ours", a, n, strip_experiments=False)
        theirs, _ = make_class(Path(tmp) / "nbgrader", a, n, strip_experiments=True)
        print(f"{n} submissions of {a} ({', '.join(f'{n // 3} {k}' for k in KINDS)}), {cores} cores, "
              f"yardstick {yardstick():.2f} s")
        rows = []
        for workers in sorted({1, cores}):
            wall = timed([str(bindir / "course"), "autograde", a, "--workers", str(workers), "--force",
                          "--course", str(ours.root)], ours.root)
            rows.append((f"course autograde --workers {workers}", wall))
        wall = timed([str(bindir / "nbgrader"), "autograde", a, "--force"], theirs.root)
        rows.append(("nbgrader autograde (serial)", wall))
        base = rows[-1][1]
        print(f"\n| grader | wall time | submissions per minute | vs nbgrader |\n|---|---|---|---|")
        for name, wall in rows:
            print(f"| `{name}` | {wall:.1f} s | {60 * n / wall:.1f} | {base / wall:.2f}x |")

        agree = total = 0
        with Gradebook(theirs.gradebook_url) as gb:
            for student, kind in students.items():
                if kind not in HONEST:
                    continue
                result = ours.read_result(a, student)
                for item in items:
                    theirs_score = gb.find_grade(f"test_{item}", a, a, student).score
                    total += 1
                    agree += abs(theirs_score - result["items"][item]["score"]) < 1e-9
        print(f"\nper-item scores equal on honest submissions: {agree} of {total}")

        results = [ours.read_result(a, s) for s in students]
        stages = ["restore"] + list(STAGES) + ["suite", "total"]
        mean = {s: sum(r["timings"].get(f"{s}_seconds", 0.0) for r in results) / n for s in stages}
        calls = sum(r["timings"]["calls"] for r in results) / n
        print("\nmean seconds per submission, by stage (from the result files; the suite includes its calls):")
        for s in stages:
            print(f"  {s:15s} {mean[s]:6.3f}" + (f"   ({calls:.0f} calls)" if s == "calls" else ""))
        print(f"  whole / floor (graded cells): {mean['total'] / mean['cells']:.2f}x")


if __name__ == "__main__":
    main()

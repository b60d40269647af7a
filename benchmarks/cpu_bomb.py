"""How much a CPU bomb slows the grading of the honest submissions graded beside it.

Grades a batch of honest submissions (the reference answers) twice, once alone and once with a
submission that starts many busy processes, each in its own session, and prints the honest
submissions' own grading times both ways (the figure the cgroup's CPU share protects) and the
batches' wall times (the one with the bomb also holds the bomb's own grading, which runs until
its calls time out, on one of the two workers). Run as root (the cgroup that caps
a sandbox's CPU share needs it), on an otherwise quiet machine:

    .venv/bin/python benchmarks/cpu_bomb.py [--honest 6] [--bombers 240]
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import submit_directly  # noqa: E402

from autograder import commands  # noqa: E402
from autograder.course import Course  # noqa: E402
from autograder.sandbox import Policy, protections  # noqa: E402
from autograder.simulate import fill, reference_sources  # noqa: E402

A = "regularization"
BOMB = ("import os\nfor _ in range({n}):\n    if os.fork() == 0:\n        os.setsid()\n"
        "        while True:\n            pass")


def grade(course, students, policy):
    start = time.monotonic()
    results = commands.autograde(course, A, students, workers=2, force=True, progress=False, policy=policy)
    return time.monotonic() - start, results


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--honest", type=int, default=6)
    p.add_argument("--bombers", type=int, default=240)
    args = p.parse_args()
    policy = Policy(submission_timeout=120)
    print("cgroup:", protections(policy)["cgroup"])
    with tempfile.TemporaryDirectory() as tmp:
        course = Course(Path(tmp) / "course").init(exchange=Path(tmp) / "exchange")
        commands.release(course, A)
        release_nb = course.release_notebooks(A)[f"{A}.ipynb"]
        honest = [f"honest-{i}" for i in range(args.honest)]
        for student in honest:
            submit_directly(course, A, student, fill(release_nb, reference_sources(A)))
        bomb = fill(release_nb, reference_sources(A))
        bomb.cells.append(nbformat.v4.new_code_cell(BOMB.format(n=args.bombers)))
        submit_directly(course, A, "bomb", bomb)

        grade(course, honest[:2], policy)   # warm-up: the first kernels start slower
        alone, plain = grade(course, honest, policy)
        beside, mixed = grade(course, ["bomb", *honest], policy)   # the bomb first, beside all of them
    means = []
    for label, results in (("alone", plain), ("beside the bomb", mixed)):
        full = all(results[s]["score"] == results[s]["max_score"] for s in honest)
        times = [results[s]["timings"]["total_seconds"] for s in honest]
        means.append(statistics.mean(times))
        print(f"honest submissions {label}: full marks {full}; seconds each: mean {means[-1]:.1f}, "
              f"max {max(times):.1f}")
    print(f"honest submissions beside the bomb take {means[1] / means[0]:.2f}x their time alone")
    print(f"bomb: {mixed['bomb']['score']:g} / {mixed['bomb']['max_score']:g} in "
          f"{mixed['bomb']['timings']['total_seconds']:.1f} s")
    print(f"batch wall time: {alone:.1f} s alone, {beside:.1f} s with the bomb ({beside / alone:.2f}x)")


if __name__ == "__main__":
    main()

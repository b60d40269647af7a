"""Wall time to grade a class of 300 on all seven assignments, projected from a sample and measured.

    .venv/bin/python benchmarks/class_of_300.py [--sample 12] [--students 300] [--dask]

For each assignment with a hidden suite, `course autograde --force` (one worker per core) grades
a class of --sample students (a third each: the reference, the release untouched, the common
mistakes), and the per-submission wall time projects the class of --students. With --students
equal to --sample, the figure is measured, not projected. With --dask, the same jobs run on a
local Dask cluster of one worker process per core (`--dask local`).
"""
import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import make_class, timed, yardstick  # noqa: E402

from autograder.demo import demo_assignments  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sample", type=int, default=12)
    p.add_argument("--students", type=int, default=300)
    p.add_argument("--dask", action="store_true", help="grade on a local Dask cluster")
    args = p.parse_args()
    course_cmd = str(Path(sys.executable).parent / "course")
    engine = ["--dask", "local"] if args.dask else ["--workers", str(os.cpu_count())]
    total = 0.0
    print(f"{os.cpu_count()} cores, yardstick {yardstick():.2f} s; {' '.join(engine)}; "
          f"{args.sample} submissions graded per assignment, projected to {args.students}")
    print("| assignment | sample wall | per submission | class of %d |\n|---|---|---|---|" % args.students)
    with tempfile.TemporaryDirectory() as tmp:
        for a in demo_assignments():
            course, _ = make_class(Path(tmp) / a, a, args.sample, strip_experiments=False)
            wall = timed([course_cmd, "autograde", a, "--force", "--course", str(course.root), *engine], course.root)
            projected = wall / args.sample * args.students
            total += projected
            print(f"| {a} | {wall:.1f} s | {wall / args.sample:.2f} s | {projected / 60:.1f} min |")
    print(f"| all seven | | | {total / 60:.1f} min (goal: under 30) |")


if __name__ == "__main__":
    main()

"""`course`: the one command for TAs, instructors and students.

    course init DIR [--exchange PATH]  make a course directory (nbgrader config; exchange outside it)
    course release A                   generate the student version, check it leaks nothing, release
    course collect A [--zip FILE]      collect from the nbgrader exchange, or from an LMS zip
    course autograde A [--student S]   grade in the sandbox, write results and the gradebook
                       [--dask ADDRESS]  ... on a Dask cluster ("local": --workers processes here)
                       [--watch]         ... and keep grading new submissions, releasing feedback
    course feedback A                  write feedback and release it through the exchange
    course export A [--to FILE]        nbgrader's grades.csv
    course gradescope A [--to FILE]    a Gradescope autograder zip that grades A in its sandbox
    course test-set FILE               grade the capstone on your own hidden digits (checked first)
    course check NOTEBOOK [--all]      (students) run a notebook's visible checks headless
    course demo                        the whole lifecycle on a simulated class

Commands that act on a course take --course DIR (default: $COURSE_DIR, else the current directory).
"""
import os

# Before numpy loads anywhere: on small matrices extra BLAS threads only contend, and grading
# runs one worker per core.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import argparse  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402


def _parser():
    p = argparse.ArgumentParser(prog="course", description="Run the deep-networks course.",
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    def with_course(sp):
        sp.add_argument("--course", type=Path, default=Path(os.environ.get("COURSE_DIR", ".")),
                        help="the course directory (default: $COURSE_DIR or .)")
        return sp

    sp = sub.add_parser("init", help="make a course directory")
    sp.add_argument("directory", type=Path)
    sp.add_argument("--exchange", type=Path, help="nbgrader exchange root, outside the course directory "
                                                  "(default: /srv/nbgrader/exchange)")
    for name in ("release", "feedback"):
        with_course(sub.add_parser(name)).add_argument("assignment")
    sp = with_course(sub.add_parser("collect"))
    sp.add_argument("assignment")
    sp.add_argument("--zip", type=Path, help="a zip of notebooks from an LMS")
    sp = with_course(sub.add_parser("autograde"))
    sp.add_argument("assignment")
    sp.add_argument("--student", action="append", help="only this student (repeatable)")
    sp.add_argument("--workers", type=int, help="parallel workers (default: one per core)")
    sp.add_argument("--force", action="store_true", help="regrade even unchanged submissions")
    sp.add_argument("--dask", metavar="ADDRESS", help="grade on the Dask cluster of this scheduler "
                                                      "(tcp://host:8786), or 'local' for a local one")
    sp.add_argument("--watch", action="store_true", help="collect and grade submissions as they arrive "
                                                         "and release their feedback, until Ctrl-C")
    sp.add_argument("--interval", type=float, default=5.0, help="with --watch: seconds between looks (default 5)")
    sp = with_course(sub.add_parser("export"))
    sp.add_argument("assignment")
    sp.add_argument("--to", type=Path, help="CSV file (default: grades.csv in the course)")
    sp = with_course(sub.add_parser("gradescope", help="build a Gradescope autograder zip"))
    sp.add_argument("assignment")
    sp.add_argument("--to", type=Path, help="zip file (default: gradescope/<A>.zip in the course)")
    sp = with_course(sub.add_parser("test-set", help="use your own hidden test digits for the capstone"))
    sp.add_argument("file", type=Path, help="an .npz with X_test uint8 (N, 400) and y_test int64 (N,)")
    sp = sub.add_parser("check", help="run a notebook's visible checks")
    sp.add_argument("notebook")
    sp.add_argument("--all", action="store_true", help="also run the experiment cells")
    sp = sub.add_parser("demo", help="the whole lifecycle on a simulated class")
    sp.add_argument("--dir", type=Path, help="course directory to create (default: .demo/course-<time>)")
    return p


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.command == "check":
        from coursekit.check import main as check_main
        return check_main([args.notebook] + (["--all"] if args.all else []))
    from autograder import commands, demo
    from autograder.course import Course, CourseError
    try:
        if args.command == "init":
            course = Course(args.directory).init(args.exchange)
            print(f"course directory ready: {course.root} (exchange: {course.exchange})")
        elif args.command == "demo":
            demo.run(args.dir)
        else:
            course = Course(args.course)
            if args.command == "release":
                print(f"released: {commands.release(course, args.assignment)}")
            elif args.command == "collect":
                got = commands.collect(course, args.assignment, args.zip)
                print(f"collected {len(got)}: {', '.join(got)}")
            elif args.command == "autograde":
                if not _autograde(commands, course, args):
                    return 1
            elif args.command == "feedback":
                written, via_exchange = commands.feedback(course, args.assignment)
                print(f"feedback written for {len(written)} students in {course.path('feedback')}; "
                      + ("released through the exchange (students: nbgrader fetch_feedback)" if via_exchange
                         else "return it through your LMS (not every submission came through the exchange)"))
            elif args.command == "test-set":
                from autograder import hidden_data
                path, n = hidden_data.install(course, args.file)
                print(f"test set of {n} digits installed: {path}; the capstone is graded on it from now on")
            elif args.command == "gradescope":
                from autograder import gradescope
                print(f"Gradescope autograder written: {gradescope.build(course, args.assignment, args.to)}")
            elif args.command == "export":
                print(f"grades written: {commands.export(course, args.assignment, args.to)}")
    except CourseError as exc:
        print(f"course {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return 0


def _autograde(commands, course, args):
    from autograder.course import CourseError
    from autograder.sandbox import Policy, describe, protections
    from autograder.watch import watch

    def announce():
        summary, warnings = describe(protections(Policy()))
        print(summary)
        for w in warnings:
            print(f"warning: {w}", file=sys.stderr)

    if args.watch:
        if args.student or args.force:
            raise CourseError("--watch grades every new submission: it takes no --student or --force")
        watch(course, args.assignment, args.interval, args.workers, args.dask, announce)
        return True
    results = commands.autograde(course, args.assignment, args.student, args.workers, args.force,
                                 announce=announce, dask=args.dask)
    for student, r in sorted(results.items()):
        status = "" if r["status"] == "graded" else f"  ({r['status']}: {r['reason']})"
        print(f"  {student:20s} {r['score']:g} / {r['max_score']:g}{status}")
    failed = sorted(s for s, r in results.items() if r["status"] == "error")
    if failed:
        print(f"course autograde: the grader failed on {len(failed)} submission(s) ({', '.join(failed)}); "
              f"nothing was recorded for them, and running the same command again grades them", file=sys.stderr)
    return not failed


if __name__ == "__main__":
    sys.exit(main())

"""`course`: the one command for TAs, instructors and students.

    course init DIR [--exchange PATH]  make a course directory (nbgrader config; exchange outside it)
    course release A                   generate the student version, check it leaks nothing, release
    course collect A [--zip FILE]      collect from the nbgrader exchange, or from an LMS zip
    course autograde A [--student S]   grade in the sandbox, write results and the gradebook
                       [--dask ADDRESS]  ... on a Dask cluster ("local": --workers processes here)
                       [--watch]         ... and keep grading new submissions, releasing feedback
    course feedback A                  write feedback (with the formgrader's hand grades) and release it
    course export [A ...] [--to FILE]  every assignment (or those named) in nbgrader's grades.csv,
                  [--format canvas]    or in Canvas's gradebook import CSV (canvas.csv)
    course gradescope A [--to FILE]    a Gradescope autograder zip that grades A in its sandbox
    course test-set FILE               grade the capstone on your own hidden digits (checked first)
    course check NOTEBOOK [--all]      run a notebook's visible checks headless (students: coursekit-check)
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
    sp.add_argument("assignment", nargs="*", help="assignments to export (default: all)")
    sp.add_argument("--to", type=Path, help="CSV file (default: grades.csv, or canvas.csv, in the course)")
    sp.add_argument("--format", choices=("nbgrader", "canvas"), default="nbgrader",
                    help="nbgrader's export (default), or Canvas's gradebook import")
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
        return check_main([args.notebook] + (["--all"] if args.all else []), prog="course check")
    from autograder import commands, demo
    from autograder.course import Course, CourseError
    try:
        if args.command == "init":
            course = Course(args.directory).init(args.exchange)
            print(f"course directory ready: {course.root} (exchange: {course.exchange})")
            print(course.student_setup())
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
                written, exchange, upload = commands.feedback(course, args.assignment)
                print(f"feedback written for {len(written)} students in {course.path('feedback')}")
                if exchange:
                    print(f"released through the exchange to {len(exchange)} (students: nbgrader fetch_feedback)")
                if upload:
                    print(f"{len(written) - len(exchange)} submitted through your LMS: upload their feedback "
                          f"from {upload} (one <student>.html each)")
            elif args.command == "test-set":
                from autograder import hidden_data
                path, n = hidden_data.install(course, args.file)
                print(f"test set of {n} digits installed: {path}; the capstone is graded on it from now on")
            elif args.command == "gradescope":
                from autograder import gradescope
                print(f"Gradescope autograder written: {gradescope.build(course, args.assignment, args.to)}")
            elif args.command == "export":
                target, waiting = commands.export(course, args.assignment, args.to, args.format)
                print(f"grades written: {target}")
                if waiting:
                    print(f"{waiting} submission(s) still wait for hand grading in the formgrader: their "
                          f"hand-graded points are not in this export yet")
    except CourseError as exc:
        print(f"course {args.command}: error: {exc}", file=sys.stderr)
        return 2
    return 0


def _autograde(commands, course, args):
    from autograder import gradebook
    from autograder.course import CourseError
    from autograder.feedback import score_line
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
    hand = gradebook.hand_grades(course, args.assignment, results)
    for student, r in sorted(results.items()):
        status = "" if r["status"] == "graded" else f"  ({r['status']}: {r['reason']})"
        print(f"  {student:20s} {score_line(r, hand[student])}{status}")
    failed = sorted(s for s, r in results.items() if r["status"] == "error")
    if failed:
        print(f"course autograde: the grader failed on {len(failed)} submission(s) ({', '.join(failed)}); "
              f"nothing was recorded for them, and running the same command again grades them", file=sys.stderr)
    return not failed


if __name__ == "__main__":
    sys.exit(main())

"""`course autograde A --watch`: grade submissions as they arrive, and release their feedback.

Every few seconds it looks at the nbgrader exchange's inbound folder (a directory listing, cheap);
when a submission of the assignment has arrived it collects, grades what changed and releases the
feedback of what it graded. Grading resumes as `course autograde` does (an unchanged submission is
not graded again), so a restart picks up where the last run stopped. A submission the grader fails
on is not graded again every round, only at the next start (or by `course autograde A`); a round
that fails is reported and the next one runs. Ctrl-C (or SIGTERM) stops it.
"""
import functools
import signal
import sys
import time

from autograder import commands
from autograder.autograde import submission_digest
from autograder.course import COURSE_ID, CourseError


def watch(course, assignment, interval=5.0, workers=None, dask=None, announce=None,
          say=functools.partial(print, flush=True)):
    course.require()
    course.release_notebooks(assignment)        # refuse an assignment that was never released
    if interval <= 0:
        raise CourseError("--interval must be a positive number of seconds")
    if announce:
        announce()
    signal.signal(signal.SIGTERM, _stop)
    inbound = course.exchange / COURSE_ID / "inbound"
    failed = {}          # student: digest of the submission the grader failed on
    seen = None          # the inbound entries of the last round that went through
    say(f"watching {inbound} for submissions of '{assignment}' every {interval:g} s (Ctrl-C stops)")
    try:
        while True:
            arrived = sorted(p.name for p in inbound.glob(f"*+{assignment}+*")) if inbound.is_dir() else []
            if arrived != seen:
                try:
                    graded = _round(course, assignment, arrived, failed, workers, dask, say)
                    if seen is None:
                        say(f"up to date: {graded} submission(s) graded; waiting for new ones")
                    seen = arrived
                except CourseError as exc:
                    print(f"warning: {exc}; trying again in {interval:g} s", file=sys.stderr, flush=True)
            time.sleep(interval)
    except KeyboardInterrupt:
        say("stopped watching")


def _stop(signum, frame):
    raise KeyboardInterrupt


def _round(course, assignment, arrived, failed, workers, dask, say):
    """Collect, grade what is new (or left ungraded by a run that stopped), release its feedback;
    returns how many submissions have results."""
    if arrived:
        commands.collect(course, assignment)
    found = course.submissions(assignment)
    todo = [s for s, folder in found.items() if failed.get(s) != submission_digest(folder)]
    if not todo:
        return len(found)
    before = {s: course.read_result(assignment, s) for s in todo}
    results = commands.autograde(course, assignment, todo, workers, progress=False, dask=dask)
    graded = sorted(s for s in todo if results[s] != before[s])
    for s in graded:
        r = results[s]
        if r["status"] == "error":
            failed[s] = r["submission_sha256"]
            print(f"course autograde: the grader failed on {s} ({r['reason']}); it is graded again when "
                  f"`course autograde {assignment}` next runs", file=sys.stderr, flush=True)
    released = [s for s in graded if results[s]["status"] != "error"]
    if released:
        _, exchange, upload = commands.feedback(course, assignment, released)
        for s in released:
            say(f"  {s:20s} {results[s]['score']:g} / {results[s]['max_score']:g}  feedback "
                + ("released" if s in exchange else f"for upload in {upload}"))
    return len(found)

"""Grade every collected submission of an assignment: parallel workers, one coordinator.

Workers (forked processes; `course` pins one BLAS thread before numpy loads), or the workers of a
Dask cluster (autograder/cluster.py), grade submissions; only this coordinator writes result
files, autograded notebooks and the gradebook. A submission already graded from the same
bytes by the same suite version is not graded again, so a re-run is idempotent and a run killed
mid-batch resumes where it stopped (result files are written atomically, last). A submission the
grader failed on (status "error") is graded again.
"""
import hashlib
import multiprocessing
import os
import sys
import traceback

import nbformat

from autograder import gradebook, hidden_data, isolation, leaderboard, prestart
from autograder.course import REPO, CourseError
from autograder.pipeline import grade_submission, prepare, suite_version
from autograder.suite import suite_path

INTERNAL_ERROR = "internal grader error ({}); the instructor has the details"
STALE_WORKER = ("it was graded with another version of the grader than this course uses; "
                "the instructor has been told and it will be graded again")


def submission_digest(folder):
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def timestamp_of(folder):
    ts = folder / "timestamp.txt"
    return ts.read_text().strip() if ts.is_file() else None


def _notebook_in(folder, assignment):
    expected = folder / f"{assignment}.ipynb"
    if expected.exists():
        return expected, None
    found = sorted(folder.glob("*.ipynb"))
    if len(found) == 1:
        return found[0], f"The notebook was named {found[0].name} instead of {expected.name}."
    return expected, None


def error_result(assignment, student, reason, details):
    """The result of a submission the grader failed on: nothing is recorded, a re-run grades it."""
    return {"assignment": assignment, "student": student, "status": "error", "reason": reason,
            "grader_traceback": details, "items": {}, "score": 0.0, "max_score": 0.0, "notes": [], "cells": []}


def _grade_job(job):
    """Runs in a worker. Never raises: an internal error becomes that submission's result."""
    assignment, student, folder, release_nb, policy, hidden = job
    path, note = _notebook_in(folder, assignment)
    try:
        result, restored = grade_submission(assignment, student, path, release_nb, policy, hidden)
    except Exception as exc:
        result = error_result(assignment, student, INTERNAL_ERROR.format(type(exc).__name__),
                              traceback.format_exc())
        restored = None
    if note:
        result["notes"].insert(0, note)
    return student, path.name, result, nbformat.writes(restored) if restored is not None else None


def local_workers(workers, jobs):
    """How many worker processes to start on this machine: `workers`, else one per core."""
    return max(1, min(workers or os.cpu_count() or 1, len(jobs)))


def _in_pool(jobs, workers):
    """Each job's outcome, from forked worker processes on this machine."""
    prepare(jobs[0][0])
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=prestart.enable)
    try:
        yield from pool.imap_unordered(_grade_job, jobs)
        pool.close()   # the workers exit by themselves, closing the kernels they started ahead
        pool.join()
    finally:
        pool.terminate()


def autograde(course, assignment, students=None, workers=None, policy=None, force=False, progress=True,
              announce=None, dask=None):
    """Grade the collected submissions; returns {student: result} for every submission.

    `dask`: a Dask scheduler's address, or "local" for a local cluster of `workers` processes;
    None grades in forked processes on this machine."""
    suite_path(assignment)                       # refuse early if there is no hidden suite
    releases = course.release_notebooks(assignment)
    if f"{assignment}.ipynb" not in releases:
        raise CourseError(f"release/{assignment}/ has no {assignment}.ipynb")
    release_nb = releases[f"{assignment}.ipynb"]
    found = course.submissions(assignment)
    if students:
        unknown = sorted(set(students) - set(found))
        if unknown:
            raise CourseError(f"no collected submission of '{assignment}' for: {', '.join(unknown)}")
        found = {s: found[s] for s in students}
    if dask not in (None, "local") and workers:
        raise CourseError(f"--workers sizes a local cluster; the Dask cluster at {dask} has its own workers")
    if announce:
        announce()
    isolation.sweep_stale()                      # sandboxes left by a batch that was killed
    if isolation.is_root():                      # a sandbox uid must not enter instructor files
        for path in isolation.close_to_others([course.root, REPO]):
            print(f"closed {path} to other users (student kernels run as one)", file=sys.stderr)
    for stale in course.path("results", assignment).glob("*.tmp"):
        stale.unlink()                           # a write cut short by a killed batch
    hidden = hidden_data.folder(course)
    version = suite_version(assignment, hidden)
    results, jobs, digests = {}, [], {}
    for student, folder in found.items():
        digests[student] = submission_digest(folder)
        old = course.read_result(assignment, student)
        if (not force and old and old.get("status") != "error" and old.get("suite_version") == version
                and old.get("submission_sha256") == digests[student]):
            results[student] = old
        else:
            jobs.append((assignment, student, folder, release_nb, policy, hidden))
    if dask:
        from autograder import cluster
        outcomes = cluster.grade(jobs, dask, workers)
    else:
        outcomes = _in_pool(jobs, local_workers(workers, jobs))
    bar = _progress(len(jobs), progress)
    with gradebook.Recorder(course) as recorder:
        for student, nb_name, result, restored in outcomes if jobs else ():
            folder = found[student]
            if result.get("suite_version", version) != version:   # a worker on another checkout
                result, restored = error_result(
                    assignment, student, STALE_WORKER, f"suite version {result['suite_version']}, not {version}"), None
            result["submission_sha256"] = digests[student]
            result["timestamp"] = timestamp_of(folder)
            if restored is not None:
                out = course.path("autograded", student, assignment)
                out.mkdir(parents=True, exist_ok=True)
                (out / f"{assignment}.ipynb").write_text(restored, encoding="utf-8")
            if result["status"] != "error" and result["items"]:
                recorder.record(result, result["timestamp"])
            if leaderboard.value(result) is not None:
                result["notes"].append(f"Your name on the leaderboard: {leaderboard.pseudonym(course, student)}.")
            course.write_result(assignment, student, result)   # last: its presence means done
            results[student] = result
            bar.update(1)
    bar.close()
    leaderboard.write(course, assignment, results)
    return results


def _progress(total, enabled):
    from tqdm import tqdm
    return tqdm(total=total, desc="grading", unit="submission", disable=not enabled or total == 0)

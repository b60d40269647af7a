"""What each `course` command does, as functions (the CLI and the demo call these).

Each raises CourseError with one line for the user on bad input, before changing anything.
"""
import re
import shutil
import zipfile
from datetime import datetime

from autograder import exports, gradebook, release_guard
from autograder import feedback as feedback_render
from autograder.autograde import autograde as autograde_batch
from autograder.course import Course, CourseError, assignment_source, snapshot_source
from autograder.suite import SuiteError, submitted_files, suite_path

MAX_EXTRA_BYTES = 64 * 2**20   # a file beside a notebook; the suite applies its own, smaller cap
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def release(course, assignment):
    """source snapshot -> nbgrader generate_assignment -> leak check -> nbgrader release_assignment."""
    course.require()
    assignment_source(assignment)
    try:
        suite_path(assignment)
    except SuiteError as exc:
        raise CourseError(str(exc)) from None
    source = snapshot_source(course, assignment)
    course.nbgrader("generate_assignment", assignment, "--force")
    release_dir = course.path("release", assignment)
    leaks = release_guard.problems(release_dir, assignment, source / f"{assignment}.ipynb")
    if leaks:
        shutil.rmtree(release_dir)
        raise CourseError(f"release of '{assignment}' withdrawn, it leaks: {leaks[0]}"
                          + (f" (and {len(leaks) - 1} more)" if len(leaks) > 1 else ""))
    course.nbgrader("release_assignment", assignment, "--force")
    return release_dir


def collect(course, assignment, zip_path=None):
    """From the nbgrader exchange (default), or from an LMS zip of notebooks."""
    course.require()
    course.release_notebooks(assignment)
    if zip_path is None:
        course.nbgrader("collect", assignment, "--update")
        collected = sorted(course.submissions(assignment))
    else:
        collected = _collect_zip(course, assignment, zip_path)
    course.lock_submissions()
    return collected


def _collect_zip(course, assignment, zip_path):
    """Entries `<student>/<any>.ipynb` or `<student>_<anything>.ipynb` (the usual LMS export),
    and with each notebook the files its suite grades (the capstone's model file), named
    `<student>/<file>` or `<student>_<anything><file>`.

    A submission replaces the collected one only if it is newer: an earlier one never wins.
    """
    wanted = set(submitted_files(assignment).values())
    try:
        with zipfile.ZipFile(zip_path) as zf:
            entries = [i for i in zf.infolist() if i.filename.endswith(".ipynb") and not i.is_dir()
                       and "__MACOSX" not in i.filename]
            found = {}
            for info in entries:
                parts = info.filename.split("/")
                student = parts[0] if len(parts) > 1 else parts[0].rsplit(".", 1)[0].split("_")[0]
                if not STUDENT_ID.match(student):
                    raise CourseError(f"cannot tell the student from zip entry '{info.filename}'")
                stamp = datetime(*info.date_time)   # naive UTC, as nbgrader's parse_utc gives
                if student not in found or stamp > found[student][1]:
                    found[student] = (info, stamp)
            if not found:
                raise CourseError(f"{zip_path} holds no notebooks")
            payload = {s: (zf.read(info), stamp) for s, (info, stamp) in found.items()}
            extra = {}
            for info in sorted(zf.infolist(), key=lambda i: i.date_time):   # the newest wins
                parts = info.filename.split("/")
                name = next((w for w in wanted if parts[-1] == w or parts[-1].endswith("_" + w)), None)
                student = parts[0] if len(parts) > 1 else parts[0].split("_")[0]
                if name and student in payload and info.file_size <= MAX_EXTRA_BYTES:
                    extra.setdefault(student, {})[name] = zf.read(info)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CourseError(f"cannot read {zip_path}: {exc}") from None
    collected = []
    for student, (data, stamp) in sorted(payload.items()):
        dest = course.path("submitted", student, assignment)
        old = dest / "timestamp.txt"
        stamp_text = stamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC")
        if old.is_file() and _parse(old.read_text()) >= stamp:
            continue
        tmp = dest.with_name(assignment + ".incoming")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        (tmp / f"{assignment}.ipynb").write_bytes(data)
        for name, content in extra.get(student, {}).items():
            (tmp / name).write_bytes(content)
        (tmp / "timestamp.txt").write_text(stamp_text)
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)
        collected.append(student)
    return collected


def _parse(text):
    from nbgrader.utils import parse_utc
    return parse_utc(text.strip())


def autograde(course, assignment, students=None, workers=None, force=False, progress=True, policy=None,
              announce=None, dask=None):
    """Grade collected submissions; `announce()` runs once the input is known good, before grading.
    `dask`: grade on a Dask cluster (a scheduler's address, or "local")."""
    course.require()
    try:
        return autograde_batch(course, assignment, students, workers, policy, force, progress, announce, dask)
    except SuiteError as exc:
        raise CourseError(str(exc)) from None


def feedback(course, assignment, students=None):
    """feedback/<student>/<A>/<A>.html (and .txt) from each result (of `students`, default all) and
    the formgrader's hand grades, released through the exchange to the students who submitted
    through it; the others' (from an LMS zip, with no exchange secret) also go to
    lms-feedback/<A>/<student>.html, for upload.

    Returns (feedback folders, [students it was released to through the exchange], the upload
    folder or None)."""
    course.require()
    results = sorted(p for p in course.path("results", assignment).glob("*.json")
                     if students is None or p.stem in students)
    if not results:
        raise CourseError(f"no graded submissions of '{assignment}' (run `course autograde {assignment}`)")
    hand = gradebook.hand_grades(course, assignment, [p.stem for p in results])
    written, exchange, lms = {}, [], []
    for path in results:
        student = path.stem
        result = course.read_result(assignment, student)
        out = course.path("feedback", student, assignment)
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{assignment}.html").write_text(feedback_render.render_html(result, hand[student]), encoding="utf-8")
        (out / f"{assignment}.txt").write_text(feedback_render.render_text(result, hand[student]), encoding="utf-8")
        # nbgrader release_feedback files feedback under the submission's time and secret
        for name in ("timestamp.txt", "submission_secret.txt"):
            if course.path("submitted", student, assignment, name).is_file():
                shutil.copy(course.path("submitted", student, assignment, name), out / name)
        (exchange if (out / "submission_secret.txt").is_file() else lms).append(student)
        written[student] = out
    if exchange:   # release_feedback takes every feedback folder of the assignment: none without a secret
        unsent = sorted(out.parent.name for out in course.path("feedback").glob(f"*/{assignment}")
                        if not (out / "submission_secret.txt").is_file())
        course.nbgrader("release_feedback", assignment,
                        *([f"--CourseDirectory.student_id_exclude={','.join(unsent)}"] if unsent else []))
    upload = course.path("lms-feedback", assignment) if lms else None
    for student in lms:
        upload.mkdir(parents=True, exist_ok=True)
        shutil.copy(written[student] / f"{assignment}.html", upload / f"{student}.html")
    return list(written.values()), exchange, upload


def export(course, assignments=(), to=None, format="nbgrader"):
    """The named assignments (default: every one in the gradebook) in one CSV: nbgrader's own
    export, or Canvas's gradebook import. Returns (the file, how many submissions still wait for
    hand grading)."""
    course.require()
    for assignment in assignments:
        course.release_notebooks(assignment)
    names = list(dict.fromkeys(assignments)) or gradebook.assignments(course)
    if not names:
        raise CourseError(f"nothing to export: no assignment has been released in {course.root}")
    target = to or course.path("canvas.csv" if format == "canvas" else "grades.csv")
    (exports.canvas_csv if format == "canvas" else exports.nbgrader_csv)(course, names, target)
    return target, exports.waiting(course, names)

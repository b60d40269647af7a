"""A course directory, and the nbgrader commands run on it.

    <course>/
      nbgrader_config.py     course id, exchange folder (written by `course init`)
      source/<A>/            a snapshot of assignments/<A>, taken at release
      release/<A>/           nbgrader's student version
      submitted/<s>/<A>/     collected submissions (nbgrader's layout, with timestamp.txt)
      autograded/<s>/<A>/    restored notebooks with our run's outputs (for the formgrader)
      results/<A>/<s>.json   one result file per submission
      feedback/<s>/<A>/      feedback for the student
      gradebook.db           nbgrader's SQLite gradebook

The directory is readable by its owner and group only from the moment it is made, and collected
submissions are writable by the grader alone. Students reach the course only through nbgrader's
exchange, which lives outside it (/srv/nbgrader/exchange, nbgrader's shared layout, or the path
given to `course init --exchange`) with nbgrader's own permissions: students write their
submissions into inbound/ and read releases and their own feedback, nothing else.

nbgrader's own commands keep working on it: `course` only adds steps around them.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
ASSIGNMENTS = REPO / "assignments"
# The student library, its own distribution (student/pyproject.toml): what a student installs.
STUDENT_LIBRARY = REPO / "student" / "coursekit"
TEMPLATES = Path(__file__).resolve().parent / "templates"   # nbconvert templates, one folder per template
COURSE_ID = "deepnets"
EXCHANGE = Path("/srv/nbgrader/exchange")   # nbgrader's default root for a shared server
COURSE_MODE, SUBMISSION_DIR_MODE, SUBMISSION_FILE_MODE = 0o750, 0o750, 0o640
EXCHANGE_MODE = 0o777                        # what nbgrader's release_assignment asks of its root
# The order students meet the assignments in: a release may use earlier assignments' answers.
COURSE_ORDER = ["activations", "backprop", "initialization", "normalization", "regularization",
                "optimization", "capstone"]


class CourseError(Exception):
    """Bad input to a course command; the message is one line for the user."""


CONFIG = """\
# nbgrader configuration of this course directory (written by `course init`).
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {root!r}
c.Exchange.root = {exchange!r}
c.Exchange.path_includes_course = False
# Simulated or LMS-collected submissions are not owned by a Unix account named after the student.
c.ExchangeCollect.check_owner = False
# Students never see hidden tests: there are none in the notebooks, and feedback is ours.
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
# The formgrader's submission pages load MathJax from the Jupyter server itself, not from a CDN.
c.HTMLExporter.extra_template_basedirs.prepend([{templates!r}])
"""

# What each student puts in ~/.jupyter/nbgrader_config.py to reach this course's exchange.
STUDENT_CONFIG = """\
c = get_config()
c.CourseDirectory.course_id = {course_id!r}
c.Exchange.root = {exchange!r}
c.Exchange.path_includes_course = False
"""
STUDENT_SETUP = """
Tell your students, once (README.md, "For students"):
  1. Install the course library. Build its wheel in the course repository with
     `python -m pip wheel --no-deps student -w dist` and share
     dist/deepnets_coursekit-0.1.0-py3-none-any.whl; each student runs
     `pip install deepnets_coursekit-0.1.0-py3-none-any.whl`.
  2. Put these lines in ~/.jupyter/nbgrader_config.py:
{config}
  3. For each assignment A: `nbgrader fetch_assignment A`, work in A/A.ipynb, run the checks with
     `coursekit-check A/A.ipynb`, `nbgrader submit A`, and once it is graded `nbgrader fetch_feedback A`.
"""


class Course:
    def __init__(self, root):
        self.root = Path(root).resolve()

    # -- layout ---------------------------------------------------------------------------
    def path(self, *parts):
        return self.root.joinpath(*parts)

    @property
    def gradebook_url(self):
        return f"sqlite:///{self.path('gradebook.db')}"

    @property
    def exchange(self):
        """The nbgrader exchange root named in this course's config."""
        found = re.search(r"^c\.Exchange\.root = (['\"])(.*)\1$", self.path("nbgrader_config.py").read_text(), re.M)
        return Path(found.group(2)) if found else EXCHANGE

    def init(self, exchange=None):
        """Create the directory (closed to other users), its nbgrader config and an exchange outside
        it (idempotent: an existing config keeps its exchange)."""
        config = self.path("nbgrader_config.py")
        exchange = Path(exchange or (self.exchange if config.is_file() else EXCHANGE)).resolve()
        if exchange == self.root or self.root in exchange.parents:
            raise CourseError(f"the exchange {exchange} must be outside the course directory, which students "
                              f"cannot enter")
        try:
            if not exchange.is_dir():
                exchange.mkdir(parents=True)
                os.chmod(exchange, EXCHANGE_MODE)
        except OSError as exc:
            raise CourseError(f"cannot make the exchange {exchange}: {exc.strerror}; "
                              f"give another with --exchange PATH") from None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            os.chmod(self.root, COURSE_MODE)
        except OSError as exc:
            raise CourseError(f"cannot make the course directory {self.root}: {exc.strerror}") from None
        if not config.exists():
            config.write_text(CONFIG.format(course_id=COURSE_ID, root=str(self.root), exchange=str(exchange),
                                            templates=str(TEMPLATES)))
        return self

    def student_config(self):
        """The lines of a student's ~/.jupyter/nbgrader_config.py for this course."""
        return STUDENT_CONFIG.format(course_id=COURSE_ID, exchange=str(self.exchange))

    def student_setup(self):
        """What the instructor tells the students once the course exists."""
        return STUDENT_SETUP.format(config=textwrap.indent(self.student_config(), "       "))

    def lock_submissions(self):
        """Collected submissions: readable by the course's owner and group, writable by the grader alone."""
        for dirpath, dirnames, filenames in os.walk(self.path("submitted")):
            os.chmod(dirpath, SUBMISSION_DIR_MODE)
            for name in filenames:
                path = os.path.join(dirpath, name)
                if not os.path.islink(path):
                    os.chmod(path, SUBMISSION_FILE_MODE)

    def require(self):
        if not self.path("nbgrader_config.py").is_file():
            raise CourseError(f"{self.root} is not a course directory (no nbgrader_config.py); "
                              f"create one with `course init {self.root}`")
        return self

    def release_notebooks(self, assignment):
        """{notebook file name: NotebookNode} of the released student version."""
        folder = self.path("release", assignment)
        if not folder.is_dir():
            raise CourseError(f"assignment '{assignment}' has not been released in {self.root} "
                              f"(run `course release {assignment}` first)")
        return {p.name: nbformat.read(p, as_version=4) for p in sorted(folder.glob("*.ipynb"))}

    def submissions(self, assignment):
        """{student: submission folder} of collected submissions."""
        folder = self.path("submitted")
        if not folder.is_dir():
            return {}
        return {d.name: d / assignment for d in sorted(folder.iterdir()) if (d / assignment).is_dir()}

    def result_path(self, assignment, student):
        return self.path("results", assignment, f"{student}.json")

    def read_result(self, assignment, student):
        path = self.result_path(assignment, student)
        return json.loads(path.read_text()) if path.is_file() else None

    def write_result(self, assignment, student, result):
        """Atomic: a result file is either absent or complete, even if the grader is killed."""
        path = self.result_path(assignment, student)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(result, indent=1, sort_keys=True))
        os.replace(tmp, path)

    # -- nbgrader ---------------------------------------------------------------------------
    def nbgrader(self, *args, env=None, cwd=None, check=True):
        """Run the real nbgrader CLI of this environment in the course directory."""
        bindir = str(Path(sys.executable).parent)
        # nbgrader finds alembic on PATH; without it a gradebook is left half-initialised
        path = bindir + os.pathsep + os.environ.get("PATH", "")
        proc = subprocess.run([os.path.join(bindir, "nbgrader"), *args], cwd=cwd or self.root,
                              capture_output=True, text=True, env={**os.environ, "PATH": path, **(env or {})})
        if check and proc.returncode != 0:
            last = (proc.stderr.strip() or proc.stdout.strip()).splitlines()[-1:] or ["(no output)"]
            raise CourseError(f"nbgrader {' '.join(args)} failed: {last[0]}")
        return proc


def assignment_source(assignment):
    folder = ASSIGNMENTS / assignment
    if not assignment or not (folder / f"{assignment}.ipynb").is_file():
        known = ", ".join(sorted(p.name for p in ASSIGNMENTS.iterdir() if p.is_dir())) or "none"
        raise CourseError(f"unknown assignment '{assignment}' (known: {known})")
    return folder


def snapshot_source(course, assignment):
    """Copy assignments/<A> into the course's source/ so a release is what was current then, with
    the README that tells a student how to install the library, check and submit."""
    src = assignment_source(assignment)
    dest = course.path("source", assignment)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    readme = (Path(__file__).parent / "release_readme.md").read_text()
    (dest / "README.md").write_text(readme.replace("{assignment}", assignment))
    return dest

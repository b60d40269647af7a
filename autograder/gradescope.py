"""Grading on Gradescope: the autograder zip of one assignment, and what runs inside it.

`build(course, assignment, to)` writes a zip for Gradescope's autograder (a "programming
assignment" with an autograder): at its root setup.sh and run_autograder, and what grading needs:

    setup.sh              run once as root when Gradescope builds its image: Python 3.11+, the
                          grader's environment (requirements.txt), the sandbox environment
                          (autograder/sandbox-requirements.txt), bubblewrap if apt has it
    run_autograder        run for each submission: python -m autograder.gradescope ROOT
    gradescope.json       which assignment this is, and the version of its suite
    requirements.txt      the grader's pins (pyproject.toml's dependencies)
    autograder/           the engine, with the hidden suite of this assignment only
    solutions/            the references this assignment's suite imports, and no other
    student/coursekit/    the student library, where it is in the repository
    release/<A>.ipynb     the released notebook submissions are restored against
    data/hidden/          the hidden data the suite names (the course's own test set if it has one)

Inside Gradescope's container (ROOT = /autograder: source/ holds the unzipped zip, submission/ the
student's files, results/ what is reported), `run(root)` grades the submission with
pipeline.grade_submission, in the sandbox, and writes results/results.json per Gradescope's
specification: one test per graded item in notebook order, its feedback as the test's output, and
for an assignment whose suite records a leaderboard value (the capstone's test accuracy) the
`leaderboard` field. Every submission gets a results.json, a rejected or crashing one included.
What the grader prints goes to results/stdout, which Gradescope shows to instructors only.
"""
import ast
import json
import os
import sys
import time
import tomllib
import traceback
import zipfile
from pathlib import Path

import nbformat

from autograder import hidden_data, isolation, leaderboard
from autograder.course import REPO, STUDENT_LIBRARY, CourseError, assignment_source
from autograder.feedback import _content
from autograder.notebook import hand_graded_cells
from autograder.pipeline import grade_submission, suite_version
from autograder.sandbox import describe
from autograder.suite import SUITES, SuiteError, suite_module, suite_items, suite_path

CONFIG = "gradescope.json"
LEADERBOARD = "Test accuracy"   # what leaderboard.value holds (the capstone's); higher ranks higher
SCRIPTS = {   # name in the zip: text; both executable
    "setup.sh": """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (cwd: anywhere).
# It installs what grading needs from the files of this zip: a Python 3.11+ environment with the
# grader's pins, the sandbox environment student code runs with (built from the system
# interpreter, so that the sandbox's unprivileged uids can read it), and bubblewrap.
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GRADER=/opt/deepnets-course/grader
SANDBOX=/opt/deepnets-course/sandbox
export DEBIAN_FRONTEND=noninteractive

python311() {   # the first interpreter that is Python 3.11 or newer
  for c in python3 python3.13 python3.12 python3.11; do
    p="$(command -v "$c" 2>/dev/null)" && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \\
      && { echo "$p"; return 0; }
  done
  return 1
}

if command -v apt-get >/dev/null; then
  apt-get update -q
  apt-get install -y -q python3 python3-venv
  python311 >/dev/null || apt-get install -y -q python3.11 python3.11-venv
  apt-get install -y -q bubblewrap \\
    || echo "warning: no bubblewrap: kernels will see the whole filesystem (see the README)" >&2
fi
PY="$(python311)" || { echo "setup.sh: grading needs Python 3.11 or newer" >&2; exit 1; }

"$PY" -m venv "$GRADER"
"$GRADER/bin/python" -m pip install -q --upgrade pip
"$GRADER/bin/python" -m pip install -q -r "$SOURCE/requirements.txt"
"$GRADER/bin/python" -m pip uninstall -y -q rfc3987-syntax   # slow to import, unused (see the Makefile)
"$PY" -m venv "$SANDBOX"
"$SANDBOX/bin/python" -m pip install -q -r "$SOURCE/autograder/sandbox-requirements.txt"
"$SANDBOX/bin/python" -m pip uninstall -y -q debugpy          # as the Makefile does
"$SANDBOX/bin/python" "$SOURCE/autograder/sandbox_site/install.py"   # and this
chmod -R a+rX "$SANDBOX"
echo "$SANDBOX/bin/python" > "$GRADER/sandbox-python"   # where the grader finds it
""",
    "run_autograder": """\
#!/usr/bin/env bash
# Gradescope runs this for each submission, as root, in its /autograder. It grades the notebook
# in submission/ with the course's sandboxed grading and writes results/results.json.
# The root can be given (first argument, or AUTOGRADER_ROOT) and so can the grader's
# interpreter (COURSE_GRADER_PYTHON), to run it in a folder laid out as /autograder is.
ROOT="${1:-${AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${COURSE_GRADER_PYTHON:-/opt/deepnets-course/grader/bin/python}"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 MPLBACKEND=Agg
export PYTHONPATH="$ROOT/source:$ROOT/source/student"
mkdir -p "$ROOT/results"
cd "$ROOT/source" && "$PYTHON" -m autograder.gradescope "$ROOT"
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then   # the grader could not even start
  cat > "$ROOT/results/results.json" <<'JSON'
{"score": 0, "visibility": "visible", "stdout_visibility": "hidden", "tests": [],
 "output": "The autograder failed before grading your notebook (not your fault): your instructor can see why in its output and grade it again."}
JSON
fi
exit $status
""",
}


# -- building the zip (instructor side) ---------------------------------------------------

def build(course, assignment, to=None):
    """Write the autograder zip of a released assignment; returns its path."""
    course.require()
    assignment_source(assignment)
    try:
        suite_path(assignment)
        suite_items(assignment)
    except SuiteError as exc:
        raise CourseError(str(exc)) from None
    release = course.path("release", assignment, f"{assignment}.ipynb")
    course.release_notebooks(assignment)   # refuses an assignment not released yet
    if not release.is_file():
        raise CourseError(f"release/{assignment}/ has no {assignment}.ipynb")
    if to is None:
        course.path("gradescope").mkdir(exist_ok=True)
    target = Path(to) if to else course.path("gradescope", f"{assignment}.zip")
    if target.is_dir() or not target.parent.is_dir():
        raise CourseError(f"cannot write {target}: not a file in an existing folder")
    files = _contents(assignment, release, hidden_data.folder(course))
    tmp = target.with_name(target.name + ".tmp")
    try:
        with zipfile.ZipFile(tmp, "w") as zf:
            for name, data in sorted(files.items()):
                info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))   # the same bytes each build
                info.external_attr = (0o755 if name in SCRIPTS else 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CourseError(f"cannot write {target}: {exc.strerror or exc}") from None
    return target


def _contents(assignment, release, hidden):
    """{name in the zip: bytes}."""
    files = {name: text.encode() for name, text in SCRIPTS.items()}
    config = {"assignment": assignment, "suite_version": suite_version(assignment, hidden)}
    files[CONFIG] = json.dumps(config, indent=1).encode()
    files["requirements.txt"] = _requirements().encode()
    files[f"release/{assignment}.ipynb"] = release.read_bytes()
    engine = Path(__file__).parent
    for path in _tree(engine):
        if SUITES not in path.parents or path.parent == SUITES or SUITES / assignment in path.parents:
            files[f"autograder/{path.relative_to(engine).as_posix()}"] = path.read_bytes()
    for path in _tree(STUDENT_LIBRARY):
        files[f"student/coursekit/{path.relative_to(STUDENT_LIBRARY).as_posix()}"] = path.read_bytes()
    files["solutions/__init__.py"] = (REPO / "solutions" / "__init__.py").read_bytes()
    for name in references(assignment):
        files[f"solutions/{name}.py"] = (REPO / "solutions" / f"{name}.py").read_bytes()
    for name in getattr(suite_module(assignment), "HIDDEN_DATA", ()):
        files[f"data/hidden/{name}"] = (Path(hidden) / name).read_bytes()
    return files


def _tree(folder):
    """The files under `folder` grading may need: no caches, no build leftovers."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix not in (".pyc", ".tmp"))


def references(assignment):
    """The reference modules (solutions/<name>.py) the suite of `assignment` imports, directly or
    through other references: its own, and for the capstone the earlier layers it reuses."""
    todo = sorted((SUITES / assignment).glob("*.py"))
    found, seen = set(), set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module == "solutions":
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("solutions."):
                names = [node.module.split(".")[1]]
            elif isinstance(node, ast.Import):
                names = [a.name.split(".")[1] for a in node.names if a.name.startswith("solutions.")]
            for name in names:
                found.add(name)
                todo.append(REPO / "solutions" / f"{name}.py")
    return sorted(found)


def _requirements():
    """The grader's pinned dependencies, as pyproject.toml states them."""
    with open(REPO / "pyproject.toml", "rb") as f:
        deps = tomllib.load(f)["project"]["dependencies"]
    return "# The grader's environment (pyproject.toml's pins).\n" + "\n".join(deps) + "\n"


# -- grading one submission (inside Gradescope's container) -------------------------------

def find_notebook(folder, assignment):
    """(path, note) of the notebook to grade among the submitted files, or (None, reason).

    Gradescope keeps an uploaded zip's folders: the notebook may sit below submission/."""
    found = sorted(p for p in Path(folder).rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts and p.is_file() and not p.is_symlink())
    named = [p for p in found if p.name == f"{assignment}.ipynb"]
    if len(named) == 1:
        return named[0], None
    if len(found) == 1:
        return found[0], f"The notebook was named {found[0].name} instead of {assignment}.ipynb."
    if not found:
        return None, f"No notebook was submitted: upload {assignment}.ipynb (and the files it saves) and submit again."
    return None, (f"{len(found)} notebooks were submitted ({', '.join(p.name for p in found[:5])}) and none "
                  f"alone is named {assignment}.ipynb: submit only {assignment}.ipynb.")


def results_json(result, release_nb):
    """Gradescope's results.json (as a dict) for one of pipeline.grade_submission's results."""
    score_line, notes, items = _content(result)
    manual = sum(hand_graded_cells(release_nb).values())
    lines = [score_line + " (autograded part)", *notes]
    if manual:
        lines.append(f"Your written answers ({manual:g} points) are graded by hand, separately.")
    tests = []
    for item, _, full, failures in items:
        entry = result["items"][item]
        output = "\n".join(f"- {m}" + (f"\n  Hint: {h}" if h else "") for m, h in failures)
        if not output:
            output = "Every check of this item passed." if full else f"Not graded: {result['reason'] or 'no check ran'}"
        tests.append({"name": item, "score": entry["score"], "max_score": entry["max_score"],
                      "status": "passed" if full else "failed", "output": output, "visibility": "visible"})
    out = {"score": result["score"], "output": "\n".join(lines), "visibility": "visible",
           "stdout_visibility": "hidden", "tests": tests}
    if "total_seconds" in result.get("timings", {}):
        out["execution_time"] = round(result["timings"]["total_seconds"], 1)
    value = leaderboard.value(result) if result["status"] == "graded" else None
    if value is not None:
        out["leaderboard"] = [{"name": LEADERBOARD, "value": round(value, 4), "order": "desc"}]
    return out


def run(root):
    """Grade the submission under `root` (Gradescope's /autograder layout); returns the status."""
    root = Path(root)
    source, results = root / "source", root / "results"
    results.mkdir(parents=True, exist_ok=True)
    config = json.loads((source / CONFIG).read_text())
    assignment = config["assignment"]
    release_nb = nbformat.read(source / "release" / f"{assignment}.ipynb", as_version=4)
    print(f"grading {assignment} (suite {config['suite_version']}) with the engine in {Path(__file__).parent}")
    if isolation.is_root():   # a sandbox uid must not read the suite, references or hidden data
        isolation.close_to_others([source])
    notebook, note = find_notebook(root / "submission", assignment)
    expected = root / "submission" / f"{assignment}.ipynb"
    started = time.monotonic()
    result, _ = grade_submission(assignment, "submission", notebook or expected, release_nb,
                                 hidden_data=source / "data" / "hidden")
    if notebook is None:
        result["reason"] = note
    elif note:
        result["notes"].insert(0, note)
    print(f"{result['status']}: {result['score']:g} / {result['max_score']:g} in {time.monotonic() - started:.1f} s"
          + (f" {result['reason']}" if result["reason"] else ""))
    if result["protections"]:
        summary, warnings = describe(result["protections"])
        print(summary, *(f"warning: {w}" for w in warnings), sep="\n")
    if result["status"] == "error":   # the grader's fault, never the student's
        result["reason"] += " (not your fault: your instructor can grade this submission again)"
    _write(results / "results.json", results_json(result, release_nb))
    return result["status"]


def _write(path, data):
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    os.replace(tmp, path)


def main(argv=None):
    root = Path((argv or sys.argv[1:] or ["/autograder"])[0])
    (root / "results").mkdir(parents=True, exist_ok=True)
    try:
        run(root)
    except Exception:   # an internal error still gives the student a result, and the instructor the details
        traceback.print_exc()
        _write(root / "results" / "results.json", {
            "score": 0, "visibility": "visible", "stdout_visibility": "hidden", "tests": [],
            "output": "The autograder failed on your submission (not your fault): your instructor can see why "
                      "in its output and grade it again."})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

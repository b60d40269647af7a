"""Bad input to every `course` command: one clear error line, a non-zero exit, nothing changed."""
import hashlib
import subprocess
import sys
import zipfile

import pytest

from autograder.course import Course

A = "regularization"


def _tree(root):
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        h.update(str(p.relative_to(root)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


def _course(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def course(released):
    course, releases = released
    releases[A]
    ghost = course.path("release", "ghost")          # released, but there is no hidden suite for it
    ghost.mkdir(exist_ok=True)
    (ghost / "ghost.ipynb").write_text(course.path("release", A, f"{A}.ipynb").read_text())
    return course


def _bad_zip(tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    return path


def _empty_zip(tmp_path):
    path = tmp_path / "empty.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "no notebooks here")
    return path


CASES = {
    "release an unknown assignment": (lambda c, t: ["release", "nope", "--course", str(c.root)], "unknown assignment 'nope'"),
    "autograde an unreleased assignment": (lambda c, t: ["autograde", "backprop_x", "--course", str(c.root)], "no hidden suite"),
    "autograde without a hidden suite": (lambda c, t: ["autograde", "ghost", "--course", str(c.root)], "has no hidden suite"),
    "autograde an unknown student": (lambda c, t: ["autograde", A, "--student", "nobody-here", "--course", str(c.root)], "no collected submission"),
    "collect a corrupt zip": (lambda c, t: ["collect", A, "--zip", str(_bad_zip(t)), "--course", str(c.root)], "cannot read"),
    "collect a zip with no notebooks": (lambda c, t: ["collect", A, "--zip", str(_empty_zip(t)), "--course", str(c.root)], "holds no notebooks"),
    "collect a missing zip": (lambda c, t: ["collect", A, "--zip", str(t / "missing.zip"), "--course", str(c.root)], "cannot read"),
    "a path that is not a course": (lambda c, t: ["autograde", A, "--course", str(t)], "is not a course directory"),
    "feedback before grading": (lambda c, t: ["feedback", "ghost", "--course", str(c.root)], "no graded submissions"),
    "export an unreleased assignment": (lambda c, t: ["export", "nope", "--course", str(c.root)], "has not been released"),
    "export to a file that cannot be written": (lambda c, t: ["export", "--to", str(t), "--course", str(c.root)], "Is a directory"),
    "check a missing notebook": (lambda c, t: ["check", str(t / "missing.ipynb")], "no such notebook"),
    "check a corrupt notebook": (lambda c, t: ["check", str(_bad_zip(t))], "not a readable notebook"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_gives_one_clear_line_and_changes_nothing(course, tmp_path, case):
    args, expected = CASES[case]
    argv = args(course, tmp_path)
    before = _tree(course.root), _tree(tmp_path)
    proc = _course(*argv)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert (_tree(course.root), _tree(tmp_path)) == before

"""A student's own setup: the library installed alone, and the nbgrader config `course init` prints."""
import os
import pwd
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from autograder import commands
from autograder.course import Course
from autograder.simulate import fill, reference_sources
from conftest import REPO

# A student's shell: no variables of the project's test run (threads, paths, Jupyter's dirs).
STUDENT_ENV = {k: v for k, v in os.environ.items()
               if not (k.endswith("_NUM_THREADS") or k.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV")))}


def _run(cmd, cwd, env=None, timeout=300):
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env or STUDENT_ENV, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{cmd}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_a_released_notebook_runs_in_an_environment_with_only_the_student_library(released, tmp_path,
                                                                                  report_time):
    start = time.monotonic()
    course, releases = released
    releases["activations"]
    home = tmp_path / "home"
    home.mkdir()
    # a home of the student's own, but pip's usual cache, so that its wheels are reused
    cache = os.environ.get("PIP_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"), "pip")
    env = {**STUDENT_ENV, "HOME": str(home), "PIP_CACHE_DIR": str(cache)}
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path, env)
    # the library's own project, with the pins it declares; built from a copy, since pip builds in
    # the project's folder
    project = shutil.copytree(REPO / "student", tmp_path / "student",
                              ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    _run([venv / "bin" / "python", "-m", "pip", "install", "-q", project], tmp_path, env)
    report_time("student library installed into a fresh venv", time.monotonic() - start)
    probe = ("import importlib.util as u, coursekit.data as d; "
             "print([m for m in ('autograder', 'solutions', 'nbgrader') if u.find_spec(m)], "
             "d.load_mnist20('train')[0].shape)")
    assert _run([venv / "bin" / "python", "-c", probe], home, env).split() == ["[]", "(3000,", "400)"]

    work = home / "activations"
    work.mkdir()
    for name in ("activations.ipynb", "README.md"):
        (work / name).write_bytes((releases["activations"] / name).read_bytes())
    assert "pip install" in (work / "README.md").read_text()
    notebook = work / "activations.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nbformat.write(fill(nb, reference_sources("activations")), notebook)
    n = sum(1 for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata["nbgrader"].get("solution"))
    out = _run([venv / "bin" / "coursekit-check", "--all", notebook], home, env)
    assert f"{n} of {n} visible checks passed" in out and "FAIL" not in out
    report_time("activations run top to bottom by coursekit-check in the student venv", time.monotonic() - start)


def test_the_nbgrader_config_course_init_prints_lets_a_student_fetch_and_submit(tmp_path):
    root = tmp_path / "course"
    out = _run([sys.executable, "-m", "autograder.cli", "init", root, "--exchange", tmp_path / "exchange"],
               tmp_path, os.environ)
    config = "\n".join(ln.strip() for ln in out.splitlines() if ln.strip().startswith(("c = ", "c.")))
    assert f"c.Exchange.root = '{tmp_path / 'exchange'}'" in config
    assert "pip install deepnets_coursekit" in out and "coursekit-check" in out
    course = Course(root)
    commands.release(course, "activations")
    home = tmp_path / "home"
    (home / ".jupyter").mkdir(parents=True)
    (home / ".jupyter" / "nbgrader_config.py").write_text(config + "\n")
    env = {**os.environ, "HOME": str(home)}
    nbgrader = [sys.executable, "-m", "nbgrader"]
    _run(nbgrader + ["fetch_assignment", "activations"], home, env)
    assert (home / "activations" / "activations.ipynb").is_file()
    assert (home / "activations" / "README.md").is_file()
    _run(nbgrader + ["submit", "activations"], home, env)
    # nbgrader names a student by their Unix account
    assert commands.collect(course, "activations") == [pwd.getpwuid(os.getuid()).pw_name]

"""environment.yml, pyproject.toml and the sandbox requirements pin the same versions."""
import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _pins(lines):
    pins = {}
    for line in lines:
        m = re.match(r"^\s*-?\s*([A-Za-z0-9_.-]+)==([^\s#]+)", line)
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = _pins(project["dependencies"] + project["optional-dependencies"]["dev"])
    conda = _pins((REPO / "environment.yml").read_text().splitlines())
    assert declared, "pyproject.toml pins nothing"
    assert conda == declared


def test_sandbox_requirements_agree_with_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = _pins(project["dependencies"])
    sandbox = _pins((REPO / "autograder" / "sandbox-requirements.txt").read_text().splitlines())
    assert {"numpy", "ipykernel"} <= set(sandbox)
    assert {k: declared.get(k) for k in sandbox} == sandbox


def test_the_student_library_and_environment_agree_with_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = _pins(project["dependencies"] + project["optional-dependencies"]["dev"])
    student = tomllib.loads((REPO / "student" / "pyproject.toml").read_text())["project"]
    library = _pins(student["dependencies"])
    assert {"numpy", "matplotlib", "threadpoolctl", "ipykernel"} <= set(library)
    assert {k: declared.get(k) for k in library} == library
    env_text = (REPO / "environment-student.yml").read_text()
    conda = _pins(env_text.splitlines())
    assert library.items() <= conda.items() and "nbgrader" in conda
    assert {k: declared.get(k) for k in conda} == conda
    # the library itself, and nothing of the grader: the main project is not installed there
    pip_lines = [ln.split("#")[0].strip() for ln in env_text.splitlines()]
    assert "- ./student" in pip_lines and "- ." not in pip_lines and "- -e ." not in pip_lines

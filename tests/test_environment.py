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

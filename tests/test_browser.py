"""JupyterLab in a real browser: Debian's Chromium, headless, driven by Playwright.

A student's released notebook runs its visible check under a right and under a wrong answer, and
the page shows what a student reads; the formgrader (the /formgrader page of the same server,
started in the course directory) lists the class's autograded submissions and renders their math
with the MathJax the server itself serves. The browser reaches nothing but that server, as on a
machine offline. Screenshots are kept under test-artifacts/browser/ (named in the run's summary).
"""
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder import commands
from autograder.simulate import fill, reference_sources, student_sources
from conftest import REPO, submit_directly

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.is_file():
    pytest.skip(f"no browser: Debian's chromium ({CHROMIUM}) is not installed; `make setup` installs it "
                "as root", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (dev extras)")

A, ITEM, MUTANT = "activations", "collapse_linear_stack", "collapse_reversed_product"
HINT = "The first layer's weight comes first: x @ W1 @ W2 @ W3."   # what the check says of MUTANT
STUDENTS = ["lab-ada", "lab-bob"]
WAIT = 90_000                     # ms for any one thing to appear: generous on a loaded machine
SHOTS = REPO / "test-artifacts" / "browser"


@pytest.fixture(scope="module")
def course(released):
    """The tests' course with A released and two submissions autograded, and a student's folder
    beside it with the released notebook up to ITEM's check, ITEM filled in right (right.ipynb)
    and wrong (wrong.ipynb)."""
    import nbformat

    course, releases = released
    releases[A]
    release_nb = course.release_notebooks(A)[f"{A}.ipynb"]
    submit_directly(course, A, "lab-ada", fill(release_nb, reference_sources(A), answer="Because it is linear."))
    submit_directly(course, A, "lab-bob", fill(release_nb, student_sources(A, [MUTANT])))
    commands.autograde(course, A, STUDENTS, workers=2, progress=False)
    root = course.root.parent
    (root / "student").mkdir()
    check = next(i for i, c in enumerate(release_nb.cells)
                 if c.metadata.get("nbgrader", {}).get("grade_id") == f"test_{ITEM}")
    for name, sources in (("right", reference_sources(A)), ("wrong", student_sources(A, [MUTANT]))):
        nb = fill(release_nb, {ITEM: sources[ITEM]})
        nb.cells = nb.cells[:check + 1]
        nbformat.write(nb, root / "student" / f"{name}.ipynb")
    return course


def _free_port():
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(course):
    """The base URL and token of `jupyter lab` started in the course directory (its config is the
    course's nbgrader_config.py), serving the course's parent folder."""
    root = course.root.parent
    port, token = _free_port(), secrets.token_hex(16)
    # Jupyter's own state in scratch folders: nothing from the machine's user config, nothing left.
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / "jupyter-config"),
               JUPYTER_RUNTIME_DIR=str(root / "jupyter-runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(root / "lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(root / "lab-workspaces"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    # no "official Jupyter news?" pop-up over the screenshots
    news = root / "lab-settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    news.parent.mkdir(parents=True)
    news.write_text('{"fetchNews": "false", "checkForUpdates": false}')
    log = open(root / "jupyter.log", "w")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--allow-root",
         "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={root}", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=course.root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT / 1000
        while True:
            assert server.poll() is None, (root / "jupyter.log").read_text()[-3000:]
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "jupyter lab did not start:\n" + (root / "jupyter.log").read_text()[-3000:]
                time.sleep(0.25)   # polling a server that is starting, not waiting for a result
        yield url, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def shots(report_artefact):
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    report_artefact("browser screenshots", str(SHOTS))
    return SHOTS


@pytest.fixture(scope="module")
def browser(lab):
    """A browser context that reaches the Jupyter server and nothing else."""
    url, _ = lab
    playwright.expect.set_options(timeout=WAIT)
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        context.set_default_timeout(WAIT)
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url)
                      else route.abort())
        yield context
        chromium.close()


def _run_all(page):
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def _check_output(lab, browser, shots, name):
    """Open the student's notebook <name>.ipynb, run all its cells, and return the page and the
    output area of its last cell (the check)."""
    url, token = lab
    page = browser.new_page()
    page.goto(f"{url}/lab/workspaces/{name}/tree/student/{name}.ipynb?token={token}")   # a workspace each
    page.locator(".jp-Notebook .jp-CodeCell").last.wait_for()
    # the kernel is connected when the status bar says "Python 3 (ipykernel) | Idle"
    playwright.expect(page.locator("#jp-main-statusbar")).to_contain_text("| Idle")
    _run_all(page)
    output = page.locator(".jp-Notebook .jp-CodeCell").last.locator(".jp-OutputArea-output")
    output.first.wait_for()
    output.first.scroll_into_view_if_needed()
    page.screenshot(path=shots / f"check-{name}.png")
    return page, output


def test_the_check_cell_passes_a_right_answer(lab, browser, shots):
    _, output = _check_output(lab, browser, shots, "right")
    playwright.expect(output).to_have_text(f"check_{ITEM}: all 7 checks passed.")


def test_the_check_cell_shows_the_hint_of_a_wrong_answer_first_and_no_code_of_the_check(lab, browser, shots):
    _, output = _check_output(lab, browser, shots, "wrong")
    playwright.expect(output).to_have_count(1)
    text = output.inner_text()
    assert text.startswith(f"CheckFailed: check_{ITEM}: {HINT} "), text
    for frame in ("Traceback", "File ", "coursekit", "_report", "---->"):
        assert frame not in text, text


def test_the_formgrader_lists_the_submissions_and_renders_their_math(course, lab, browser, shots):
    url, token = lab
    page = browser.new_page()
    page.goto(f"{url}/formgrader/manage_submissions/{A}?token={token}")
    rows = page.locator("table tbody tr")
    for student in STUDENTS:   # with their autograded scores
        playwright.expect(rows.filter(has_text=student)).to_contain_text(re.compile(r"\d+(\.\d+)? / \d+"))
    page.screenshot(path=shots / "formgrader-submissions.png", full_page=True)

    with Gradebook(course.gradebook_url) as gb:
        submission = gb.find_submission_notebook(A, A, STUDENTS[0]).id
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"{url}/formgrader/submissions/{submission}/?token={token}")
    page.wait_for_function("() => window.MathJax && MathJax.isReady && MathJax.Hub.queue.pending === 0"
                           " && document.querySelector('.MathJax, .MathJax_Display')")
    rendered = page.locator(".text_cell_render")
    playwright.expect(rendered.first).to_be_visible()
    texts = rendered.all_inner_texts()
    assert texts and not [t for t in texts if "$" in t], [t for t in texts if "$" in t][:1]
    # everything MathJax needs came from the server (anything else is blocked, as offline)
    assert not [u for u in failed if u.startswith("http")], failed
    page.screenshot(path=shots / "formgrader-submission.png")

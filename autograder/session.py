"""Run a restored notebook in a sandbox, then serve the hidden suite's calls into it.

The graded cells run top to bottom; then the locked (provided) code cells run once more, so that
the instructor's helpers are the ones the hidden suite calls, whatever a student cell rebound.

A cell that overruns its deadline or kills the kernel is recorded and skipped: the kernel is
restarted and the cells that ran before it are replayed, so the functions defined elsewhere in the
notebook are still graded. A call that overruns or kills the kernel fails that one test, and the
next call gets a fresh kernel the same way. Restarts are bounded per submission.

The first start runs none of the student's code, so if it fails the fault is the machine's: it
is tried again, then reported as SandboxUnavailable (a grader error, never a grade).
"""
import contextlib
import time

import nbformat

from autograder import prestart
from autograder.boundary import StudentError, agent_source
from autograder.notebook import graded_code_cells, locked_code_cells
from autograder.sandbox import KernelGone

MAX_RESTARTS = 8
# The stages of one submission's time in its kernel, in the result's timings (the floor is
# "cells": the student's graded cells, run once). With a kernel started ahead (prestart.py),
# "kernel_start" is what was left to wait for.
STAGES = ("kernel_start", "cells", "provided_cells", "agent_boot", "calls")
START_ATTEMPTS = 3
_BOOT = ("exec(compile({source!r}, '<course agent>', 'exec'), _course_ns := {{'__name__': 'course_agent'}})\n"
         "_course_agent = _course_ns['Agent'](get_ipython().user_ns)\n"
         "_course_serve = _course_ns['serve']")


class SandboxUnavailable(Exception):
    """No kernel could be started for a submission before any of its code ran."""


class Session:
    """The grader's handle on one submission's kernel; also the transport for boundary.Student."""

    def __init__(self, notebook, name, policy=None):
        self.notebook = notebook
        self.sandbox = prestart.take(policy)
        self.sandbox.add_notebook(name, nbformat.writes(notebook))
        self.policy = self.sandbox.policy
        self.cells = {}          # cell index -> Execution, from the first run
        self.skip = set()        # cells that timed out or killed the kernel
        self.restarts = 0
        self.ready = False
        self.started = False     # has a kernel ever started (and so run the student's code)?
        self.stuck = {}          # what was called -> why it is not called again
        self.deadline = time.monotonic() + self.policy.submission_timeout
        self.seconds = dict.fromkeys(STAGES, 0.0)   # where the submission's time went
        self.calls = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sandbox.close()

    def run_notebook(self):
        """Start the kernel and run the graded cells once, top to bottom."""
        self._boot(record=True)

    def _boot(self, record=False):
        with self._timed("kernel_start"):
            self._start()
        for i, cell in graded_code_cells(self.notebook):
            if i in self.skip:
                continue
            with self._timed("cells"):
                ex = self.sandbox.execute(cell.source, self._budget(self.policy.cell_timeout))
            if record:
                self.cells[i] = ex
            if ex.status in ("timeout", "dead"):
                self.skip.add(i)
                self._restart(record)
                return
        with self._timed("provided_cells"):
            for i, cell in locked_code_cells(self.notebook):
                if i not in self.skip:
                    self.sandbox.execute(cell.source, self._budget(self.policy.cell_timeout))
        with self._timed("agent_boot"):
            boot = self.sandbox.execute(_BOOT.format(source=agent_source()), self._budget(self.policy.cell_timeout))
        self.ready = boot.status == "ok"
        if self.ready:
            self.sandbox.serve(f"_course_serve(_course_agent, {self.sandbox.channel_fd})")

    def _start(self):
        if self.started:
            self.sandbox.start()
            return
        for _ in range(START_ATTEMPTS):
            try:
                self.sandbox.start()
                self.started = True
                prestart.start_next(self.policy)   # while this submission runs
                # the submission's time starts now: a machine slow to start a kernel costs it nothing
                self.deadline = time.monotonic() + self.policy.submission_timeout
                return
            except KernelGone as exc:
                why = exc.reason
        raise SandboxUnavailable(f"{why} ({START_ATTEMPTS} attempts)")

    def _budget(self, seconds):
        """A deadline for one step, never past the submission's own."""
        return max(0.0, min(seconds, self.deadline - time.monotonic()))

    def _restart(self, record=False):
        if self.restarts >= MAX_RESTARTS or self._budget(1) <= 0:
            self.ready = False
            return
        self.restarts += 1
        try:
            self._boot(record)
        except KernelGone:   # e.g. the student's code left a file that ends every new kernel
            self.ready = False

    def request(self, message, what):
        """boundary transport: one call into the sandbox, answered as untrusted bytes."""
        if self._budget(1) <= 0:
            raise StudentError("deadline", f"{what} was not called: the notebook used up its "
                                           f"{self.policy.submission_timeout:.0f} seconds")
        if what in self.stuck:   # one hang costs one restart, not one per test that calls it
            raise StudentError("skipped", f"{what} was not called again: {self.stuck[what]}")
        if not self.ready or not self.sandbox.alive():
            self._restart()
        if not self.ready:
            raise StudentError("unavailable", f"{what} could not be called: the notebook's kernel "
                                              f"could not be restarted (restarted {self.restarts} times)")
        timeout = self._budget(self.policy.call_timeout)
        self.calls += 1
        with self._timed("calls"):
            ex = self.sandbox.call(message, timeout)
        if ex.status == "timeout":
            self.ready = False
            self.stuck[what] = f"it did not return within {timeout:.0f} seconds earlier"
            raise StudentError("timeout", f"{what} did not return within {timeout:.0f} "
                                          f"seconds (an infinite loop, or far too slow)")
        if ex.status == "dead":
            self.ready = False
            self.stuck[what] = "it ended the kernel earlier"
            raise StudentError("crashed", f"calling {what} ended the notebook's kernel: {ex.error['evalue']}")
        if ex.status == "error":   # the serve loop is gone: the next call starts a fresh kernel
            self.ready = False
            raise StudentError("no reply", f"{what} gave no reply ({ex.error['evalue']})")
        return ex.result

    def cell_report(self):
        """Per-cell outcomes of the first run, for the feedback (student's own errors only)."""
        report = []
        for i, ex in sorted(self.cells.items()):
            if ex.status != "ok":
                report.append({"cell": i, "status": ex.status, "error": f"{ex.error.get('ename', '')}: "
                               f"{ex.error.get('evalue', '')}".strip(": "), "seconds": round(ex.seconds, 3)})
        return report

    @contextlib.contextmanager
    def _timed(self, stage):
        start = time.monotonic()
        try:
            yield
        finally:
            self.seconds[stage] += time.monotonic() - start

    def timings(self):
        """Seconds per stage (a restart's replay counts under its stages), calls and restarts."""
        return {**{f"{stage}_seconds": round(t, 3) for stage, t in self.seconds.items()},
                "calls": self.calls, "restarts": self.restarts}

    def notes(self):
        """Sentences for the student on what the kernel did to the grading itself."""
        if not self.sandbox.malformed:
            return []
        return [f"The notebook's kernel sent {self.sandbox.malformed} message(s) that were not valid Jupyter "
                f"messages (something wrote to its sockets); they were ignored."]

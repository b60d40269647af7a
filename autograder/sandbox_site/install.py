"""Install this folder's modules into the interpreter that runs this script: the sandbox
environment's (`make setup`, and the Gradescope autograder's setup.sh). Standalone: the sandbox
environment has none of the grader's packages.

    <sandbox env>/bin/python autograder/sandbox_site/install.py
"""
import shutil
import sysconfig
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = ("course_lazy_imports",)

site = Path(sysconfig.get_paths()["purelib"])
for name in MODULES:
    shutil.copyfile(HERE / f"{name}.py", site / f"{name}.py")
    (site / f"{name}.pth").write_text(f"import {name}\n")   # run at every interpreter start

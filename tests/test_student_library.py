"""The student library sets up a student's own Jupyter as the tests run it."""
import os
import subprocess
import sys

import pytest

from conftest import REPO


@pytest.mark.parametrize("imports", ["numpy, coursekit", "coursekit, numpy"])
def test_importing_coursekit_pins_one_blas_thread(imports):
    # a student's Jupyter sets no thread variables: the library limits BLAS itself, whichever of
    # numpy and coursekit a notebook imports first
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    code = (f"import {imports}, threadpoolctl; "
            "print([i['num_threads'] for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas'])")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[1]", out

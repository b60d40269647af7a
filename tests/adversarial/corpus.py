"""Adversarial submissions to the regularization assignment, each with the outcome it must get.

Every case is a notebook a student could submit: the reference answers (the honest part), a
wrong answer somewhere (`wrong`, the item the attack tries to rescue), and the attack. The pass
bar (tests/test_adversarial.py): the items in `zero` score 0; every other item keeps its honest
score (full marks, or, where the attack breaks the student's own kernel, no more than that); the
batch finishes; the grader's files and gradebook are untouched; no feedback shows a hidden test,
a reference or hidden data.

Many cases use conditional correctness: the notebook defines the RIGHT dropout_forward only if
the attack worked (a file was read, a socket connected, a secret was found). The item scoring 0
proves the attack failed.
"""
import json
from dataclasses import dataclass, field

from autograder.course import REPO
from autograder.simulate import reference_sources

WRONG = "dropout_no_rescale"          # a known mutant of dropout_forward
TARGET = "dropout_forward"
RIGHT = reference_sources("regularization")[TARGET]
HIDDEN = REPO / "data" / "hidden"


# Where a student would look: a few levels of every directory, without walking all of /usr.
PLACES = "[d for n in range(1, 6) for d in __import__('glob').glob('/' + '*/' * n)]"

# Objects a submission can leave outside its own folder, and look for: System V shared memory,
# a POSIX message queue and semaphore, kernel keyring entries (session, user, user-session), and
# files in every world-writable place. Each of the LEFTOVERS cases first looks for what an
# earlier one left (and would then define the right answer), then leaves its own.
LEFTOVER_KEY = 0x5EED
LOOK_AND_LEAVE = f"""import ctypes, glob, os
_libc = ctypes.CDLL(None, use_errno=True)
def _lib(name):
    try:
        return ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None
_rt, _keys = _lib('librt.so.1'), _lib('libkeyutils.so.1')
_places = ['/tmp', '/var/tmp', '/dev/shm', '/run/lock', '/var/lock', '/run/user']
_found = [_libc.shmget({LEFTOVER_KEY}, 0, 0) >= 0, _libc.msgget({LEFTOVER_KEY}, 0) >= 0,
          _libc.semget({LEFTOVER_KEY}, 0, 0) >= 0,
          bool(_rt) and _rt.mq_open(b'/course-leftover', 0) >= 0,
          bool(_rt) and _rt.sem_open(b'/course-leftover', 0) not in (None, 0),
          any(glob.glob(d + '/course-leftover*') for d in _places)]
if _keys:
    _found += [_keys.keyctl_search(ctypes.c_int(ring), b'user', b'course-leftover', 0) >= 0 for ring in (-3, -4, -5)]
    _found.append('course-leftover' in open('/proc/keys').read())
_found = any(_found)
_libc.shmget({LEFTOVER_KEY}, 2**20, 0o1666)
_libc.msgget({LEFTOVER_KEY}, 0o1666)
_libc.semget({LEFTOVER_KEY}, 1, 0o1666)
if _rt:
    _rt.mq_open(b'/course-leftover', 0o100 | 2, 0o666, None)
    _rt.sem_open(b'/course-leftover', 0o100, 0o666, 1)
for _d in _places:
    try:
        open(_d + '/course-leftover', 'w').write('the answer')
    except OSError:
        pass
if _keys:
    for _ring in (-3, -4, -5):
        _keys.add_key(b'user', b'course-leftover', b'42', 2, ctypes.c_int(_ring))
"""
LEFTOVERS = 3


def rescue_if(condition_code):
    """A cell that defines the right dropout_forward when `condition_code` (an expression) holds."""
    return f"try:\n    _ok = bool({condition_code})\nexcept BaseException:\n    _ok = False\nif _ok:\n" + \
        "\n".join("    " + line for line in RIGHT.splitlines()) + "\n"


def flood_iopub(count, size):
    """Code that publishes `count` signed messages of `size` bytes each on the kernel's iopub."""
    return ("import sys\nfor _ in range(" + str(count) + "):\n"
            "    sys.stdout.write('x' * " + str(size) + ")\n    sys.stdout.flush()")


# Frames a kernel can write to its own iopub socket: not a Jupyter message at all, and a message
# signed with the kernel's key whose content is not a dict.
RAW_FRAMES = ("_k = get_ipython().kernel\n"
              "def _raw(*args, **kwargs):\n"
              "    _k.iopub_socket.send_multipart([b'not a jupyter message'])\n"
              "    _k.session.send(_k.iopub_socket, 'stream', content=b'[1, 2]', parent=_k.get_parent())\n"
              "    _k.session.send(_k.iopub_socket, 'display_data', content={'data': 7}, parent=_k.get_parent())\n"
              "_raw()\n"
              "get_ipython().events.register('pre_run_cell', _raw)\n"
              "get_ipython().events.register('post_run_cell', _raw)")


# Fill the working directory to the last page, leaving the kernel's own folder empty (its
# connection file and log removed) so that removing it frees nothing, then end the kernel: the
# next one has no room for its files.
FILL_DISK_THEN_EXIT = """import os, shutil
shutil.rmtree('.kernel/ipython', ignore_errors=True)
shutil.rmtree('.kernel/mpl', ignore_errors=True)
os.remove('.kernel/kernel.stderr')
os.remove('.kernel/connection.json')
for size in (2**25, 2**20, 2**12, 1):
    i = 0
    try:
        while True:
            with open(f'fill-{size}-{i}', 'wb') as f:
                f.write(b'0' * size)
            i += 1
    except OSError:
        pass
os._exit(0)
"""


@dataclass
class Case:
    name: str
    category: str
    first: list = field(default_factory=list)     # cells before everything
    last: list = field(default_factory=list)      # cells after everything
    replace: dict = field(default_factory=dict)   # item -> source, instead of the reference
    wrong: tuple = (WRONG,)                        # known mutants swapped in
    zero: tuple = (TARGET,)                        # items that must score 0
    others: str = "full"                           # "full": every other item full; "at most": no more
    raw: object = None                             # bytes, or fn(notebook json) -> bytes: the file itself
    rejected: bool = False
    env: dict = field(default_factory=dict)        # set in the grader while grading (must not leak)


# The grader's process holds this while grading (a fresh canary each run); no kernel may see it.
GRADER_SECRET = {"COURSE_GRADER_SECRET": "course-canary-" + __import__("secrets").token_hex(8)}

CASES = [
    # -- patching the checks -------------------------------------------------------------------
    Case("patch_np_allclose", "patch", first=["import numpy as np\nnp.allclose = lambda *a, **k: True"]),
    Case("patch_np_isclose", "patch", first=["import numpy as np\n"
                                            "np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)"]),
    Case("patch_np_testing", "patch", first=["import numpy as np\nfor n in dir(np.testing):\n"
                                            "    if n.startswith('assert'):\n"
                                            "        setattr(np.testing, n, lambda *a, **k: None)"]),
    Case("patch_np_array_equal", "patch", first=["import numpy as np\nnp.array_equal = lambda *a, **k: True\n"
                                                "np.array_equiv = lambda *a, **k: True"]),
    Case("patch_builtin_abs", "patch", first=["import builtins\nbuiltins.abs = lambda v: 0"]),
    Case("patch_builtin_isinstance", "patch", others="at most",
         first=["import builtins\nbuiltins.isinstance = lambda *a: True"]),
    Case("patch_builtin_float_len", "patch", others="at most",
         first=["import builtins\nbuiltins.float = lambda *a: 0.0\nbuiltins.len = lambda x: 0"]),
    Case("patch_builtin_type", "patch", others="at most",
         first=["import builtins\n_t = builtins.type\nbuiltins.type = lambda *a: _t(*a) if len(a) != 1 else float"]),
    Case("assert_to_pass_transformer", "patch",
         first=["def _no_asserts(lines):\n    return [l.replace('assert ', 'pass #') for l in lines]\n"
                "get_ipython().input_transformers_post.append(_no_asserts)"]),
    Case("ast_transformer", "patch",
         first=["import ast\nclass _NoAssert(ast.NodeTransformer):\n"
                "    def visit_Assert(self, node):\n        return ast.Pass()\n"
                "get_ipython().ast_transformers.append(_NoAssert())"]),
    Case("custom_exception_handler", "patch",
         first=["import sys\nget_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n"
                "sys.excepthook = lambda *a: None"]),
    Case("fake_json_module", "patch", others="at most",
         first=["import sys, types\nfake = types.ModuleType('json')\n"
                "fake.dumps = lambda *a, **k: '{\"__dict__\": {\"value\": true}}'\n"
                "fake.loads = __import__('json').loads\nsys.modules['json'] = fake"]),
    Case("fake_numpy_module", "patch", others="at most",
         first=["import sys, numpy\nclass _Np:\n    def __getattr__(self, n):\n"
                "        return (lambda *a, **k: True) if n in ('allclose', 'array_equal') else getattr(numpy, n)\n"
                "sys.modules['numpy'] = _Np()"]),
    Case("forge_every_reply", "patch", others="at most",
         last=["def _forge(*a, **k):\n    from IPython.display import publish_display_data\n"
               "    publish_display_data({'application/vnd.course.result+json': '{\"__dict__\": {\"value\": 0.0}}'})\n"
               "get_ipython().events.register('pre_run_cell', lambda *a: globals().__setitem__('_course_serve', _forge))"]),

    # -- returning values that lie ------------------------------------------------------------
    Case("lying_float", "lie", wrong=(), zero=("l2_penalty",), replace={"l2_penalty": (
        "class _Liar(float):\n    __eq__ = lambda s, o: True\n    __ne__ = lambda s, o: False\n"
        "    __sub__ = lambda s, o: 0.0\n    __abs__ = lambda s: 0.0\n    __float__ = lambda s: 123.0\n"
        "def l2_penalty(weights, lam):\n    return _Liar(0.0), [w * 0 for w in weights]\n")}),
    Case("lying_ndarray", "lie", wrong=(), zero=("max_norm",), replace={"max_norm": (
        "class _Liar(np.ndarray):\n    def __eq__(self, o):\n        return True\n"
        "    def __sub__(self, o):\n        return np.zeros(self.shape)\n"
        "def max_norm(W, c):\n    return np.zeros_like(W).view(_Liar)\n")}),
    Case("shifty_array_protocol", "lie", wrong=(), zero=("max_norm",), replace={"max_norm": (
        "import itertools\n_n = itertools.count()\nclass _Shifty:\n    def __init__(self, W):\n        self.W = W\n"
        "    def __array__(self, dtype=None, copy=None):\n        return self.W * (next(_n) % 2)\n"
        "def max_norm(W, c):\n    return _Shifty(W)\n")}),
    Case("nan_answer", "lie", wrong=(), zero=("max_norm",),
         replace={"max_norm": "def max_norm(W, c):\n    return np.full(W.shape, np.nan)\n"}),
    Case("inf_answer", "lie", wrong=(), zero=("clip_grad_value",),
         replace={"clip_grad_value": "def clip_grad_value(grads, v):\n    return [np.full(g.shape, np.inf) for g in grads]\n"}),
    Case("wrong_dtype", "lie", wrong=(), zero=("max_norm",),
         replace={"max_norm": "def max_norm(W, c):\n    return W.astype(np.complex128)\n"}),
    Case("wrong_shape", "lie", wrong=(), zero=("max_norm",),
         replace={"max_norm": "def max_norm(W, c):\n    return W.T.copy()\n"}),
    Case("list_not_array", "lie", wrong=(), zero=("max_norm",),
         replace={"max_norm": "def max_norm(W, c):\n    return W.tolist()\n"}),
    Case("huge_array", "lie", wrong=(), zero=("max_norm",),
         replace={"max_norm": "def max_norm(W, c):\n    return np.ones((40, 1000, 1000))\n"}),

    # -- reading what it must not -------------------------------------------------------------
    Case("read_solutions", "read", last=[
        "import pathlib\nfor p in pathlib.Path('/').glob('*/*/solutions/regularization.py'):\n"
        "    try:\n        exec(p.read_text())\n    except Exception:\n        pass"]),
    Case("import_solutions", "read", last=[
        "import sys, glob\nsys.path[:0] = glob.glob('/*/*') + glob.glob('/*/*/*')\n"
        "try:\n    from solutions.regularization import dropout_forward\nexcept Exception:\n    pass"]),
    Case("read_hidden_suite", "read", last=[rescue_if(
        "any('course-canary' in open(p).read() for p in __import__('glob').glob('/*/*/autograder/suites/*/*.py'))")]),
    Case("read_hidden_data", "read", last=[rescue_if(
        "__import__('glob').glob('/*/*/data/hidden/*') and open(__import__('glob').glob('/*/*/data/hidden/*')[0], 'rb').read()")]),
    Case("read_gradebook", "read", last=[rescue_if(
        f"[p for d in {PLACES} for p in __import__('glob').glob(d + 'gradebook.db') if open(p, 'rb').read(16)]")]),
    Case("read_other_submissions", "read", last=[rescue_if(
        f"[p for d in {PLACES} for p in __import__('glob').glob(d + 'submitted/*/*/*.ipynb') if open(p).read()]"
        " or [p for p in __import__('glob').glob('/var/lib/course-sandbox/*/*.ipynb') if open(p).read()]")]),
    Case("grader_environment", "read", env=GRADER_SECRET, last=[rescue_if(
        "'COURSE_GRADER_SECRET' in __import__('os').environ or any(b'COURSE_GRADER_SECRET=' in open(f'/proc/{p}/environ', 'rb').read()"
        " for p in __import__('os').listdir('/proc') if p.isdigit())")]),
    Case("stack_frames_and_gc", "read", wrong=(), replace={TARGET: (
        "import gc, sys\ndef dropout_forward(x, p, rng, train=True):\n"
        "    f = sys._getframe(1)\n"
        "    while f is not None:\n"
        "        for k, v in list(f.f_locals.items()) + list(f.f_globals.items()):\n"
        "            if 'expect' in k and isinstance(v, np.ndarray) and v.shape == x.shape:\n"
        "                return v, None\n"
        "        f = f.f_back\n"
        "    for o in gc.get_objects():\n"
        "        if isinstance(o, dict) and 'expected' in o:\n            return o['expected'], None\n"
        "    return x, None\n")}),
    Case("read_installed_package", "read", last=[
        "import glob\nfor p in glob.glob('/usr/*/lib/python3*/*-packages/solutions/regularization.py')"
        " + glob.glob('/usr/lib/python3*/*-packages/solutions/regularization.py')"
        " + glob.glob('/*/*/*/lib/python3*/site-packages/solutions/regularization.py'):\n"
        "    try:\n        exec(open(p).read())\n    except Exception:\n        pass"]),
    Case("list_processes", "read", last=[rescue_if(
        "[p for p in __import__('os').listdir('/proc') if p.isdigit() and (__import__('os').stat('/proc/' + p).st_uid"
        " != __import__('os').getuid() or any(w in open(f'/proc/{p}/cmdline', 'rb').read() for w in"
        " (b'pytest', b'autograder', b'course ')))]")]),
    Case("signal_processes", "read", last=[
        "import os\ndef _other(pid):\n    try:\n        os.kill(pid, 0)\n    except ProcessLookupError:\n"
        "        return False\n    except PermissionError:\n        return True\n"
        "    try:\n        return os.stat(f'/proc/{pid}').st_uid != os.getuid()\n    except OSError:\n        return True\n"
        "_seen = [p for p in range(1, 1 << 16) if _other(p)]",
        rescue_if("_seen")]),
    Case("walk_up_the_tree", "read", last=[
        "import os\nfor d in ['..', '../..', '../../..', '/', '/work', '/root', '/home', '/srv', '/opt']:\n"
        "    for root, dirs, files in os.walk(d):\n"
        "        if root.count('/') > 6 or root.startswith(('/proc', '/sys')):\n            dirs[:] = []\n"
        "        for f in files:\n            if f == 'regularization.py' and 'solutions' in root:\n"
        "                try:\n                    exec(open(os.path.join(root, f)).read())\n"
        "                except Exception:\n                    pass"]),

    # -- leaving something for the next submission -------------------------------------------
    *[Case(f"leftovers_{i}", "leftover", last=[LOOK_AND_LEAVE, rescue_if("_found")]) for i in range(LEFTOVERS)],

    # -- forging results ----------------------------------------------------------------------
    Case("write_result_files", "forge", last=[
        f"import glob, json\nfor d in [p for d in {PLACES} for p in glob.glob(d + 'results/regularization')]:\n"
        "    try:\n        open(d + '/forged.json', 'w').write(json.dumps({'score': 99}))\n    except OSError:\n        pass\n"
        "open('result.json', 'w').write('{\"score\": 14}')"]),
    Case("write_gradebook", "forge", last=[
        f"import glob, sqlite3\nfor p in [p for d in {PLACES} for p in glob.glob(d + 'gradebook.db')]:\n"
        "    try:\n        c = sqlite3.connect(p)\n        c.execute('update grade set auto_score = 99')\n"
        "        c.commit()\n    except Exception:\n        pass"]),
    Case("write_feedback", "forge", last=[
        f"import glob\nfor d in [p for d in {PLACES} for p in glob.glob(d + 'feedback/*/regularization')]:\n"
        "    try:\n        open(d + '/regularization.html', 'w').write('<b>14 / 14</b>')\n    except OSError:\n        pass"]),
    Case("print_all_passed", "forge", last=["print('All tests passed! Score: 14 / 14')"]),
    Case("forge_then_exit", "forge", last=[
        "open('results.json', 'w').write('{\"score\": 14}')\nimport os\nos._exit(0)"]),
    # The grader writes the next kernel's connection file and log as root: through a symlink the
    # last kernel left, that would overwrite hidden data or drop files into its folder.
    Case("symlinks_for_the_grader_to_write_through", "forge", last=[
        "import os\nfor name in ('connection.json', 'kernel.stderr'):\n    os.remove('.kernel/' + name)\n"
        f"    os.symlink({str(HIDDEN / 'CANARY.txt')!r}, '.kernel/' + name)\nos._exit(1)"]),
    Case("symlinked_kernel_folder", "forge", last=[
        f"import os, shutil\nshutil.rmtree('.kernel', ignore_errors=True)\nos.symlink({str(HIDDEN)!r}, '.kernel')\n"
        "os._exit(1)"]),

    # -- denial of service --------------------------------------------------------------------
    Case("loop_in_graded_function", "dos", wrong=(), replace={TARGET: (
        "def dropout_forward(x, p, rng, train=True):\n    while True:\n        pass\n")}),
    Case("loop_at_import", "dos", first=["while True:\n    pass"], others="full"),
    Case("loop_in_plain_cell", "dos", last=["while True:\n    pass"]),
    Case("sleep_past_deadline", "dos", last=["import time\ntime.sleep(10_000)"]),
    Case("memory_bomb_many_processes", "dos", wrong=(), zero=(), others="at most", last=[
        "import os, time\nfor _ in range(12):\n    if os.fork() == 0:\n        try:\n"
        "            _hog = bytearray(2**29)\n            _hog[::4096] = b'1' * len(_hog[::4096])\n"
        "            time.sleep(5)\n        finally:\n            os._exit(0)\ntime.sleep(6)"]),
    Case("cpu_bomb_many_processes", "dos", wrong=(), zero=(), others="at most", last=[
        "import os, time\n_end = time.time() + 20\nfor _ in range(120):\n    if os.fork() == 0:\n"
        "        os.setsid()\n        while time.time() < _end:\n            pass\n        os._exit(0)"]),
    Case("raw_iopub_frames", "dos", wrong=(), zero=(), first=[RAW_FRAMES]),
    Case("iopub_flood", "dos", wrong=(), zero=(), last=[flood_iopub(48, 40 * 2**20)]),
    Case("full_disk_then_exit", "dos", wrong=(), zero=(), others="at most", last=[FILL_DISK_THEN_EXIT]),
    Case("thousands_of_failing_cells", "dos", wrong=(), zero=(), last=["1 / 0"] * 1500),
    Case("memory_bomb", "dos", wrong=(), replace={TARGET: (
        "def dropout_forward(x, p, rng, train=True):\n    hog = [bytearray(2**28) for _ in range(100)]\n"
        "    return x, hog\n")}),
    Case("fork_bomb", "dos", last=[
        "import os\ntry:\n    for _ in range(100_000):\n        if os.fork() == 0:\n"
        "            import time; time.sleep(600); os._exit(0)\nexcept OSError:\n    pass"]),
    Case("thread_outlives_call", "dos", last=[
        "import threading\ndef _burn():\n    while True:\n        sum(range(1000))\n"
        "threading.Thread(target=_burn, daemon=True).start()"]),
    Case("child_outlives_kernel", "dos", last=[
        "import subprocess\nsubprocess.Popen(['setsid', 'sleep', '1000'], start_new_session=True)\n"
        "subprocess.Popen(['sh', '-c', 'while true; do sleep 1; done'], start_new_session=True)"]),
    Case("huge_file", "dos", last=[
        "try:\n    with open('big.bin', 'wb') as f:\n        for _ in range(4096):\n            f.write(b'0' * 2**20)\n"
        "except OSError:\n    pass"]),
    Case("gigabytes_of_output", "dos", last=["for _ in range(10**9):\n    print('spam ' * 200)"]),
    Case("runaway_recursion", "dos", last=[
        "import sys\nsys.setrecursionlimit(10**7)\ndef _down(n):\n    return _down(n + 1) + 1\n_down(0)"]),
    Case("kill_parent_and_group", "dos", last=[
        "import os, signal\nfor target in (os.getppid(), 1):\n    try:\n        os.kill(target, signal.SIGKILL)\n"
        "    except OSError:\n        pass\nos.killpg(0, signal.SIGKILL)"]),
    Case("ignore_sigterm_and_loop", "dos", wrong=(), replace={TARGET: (
        "import signal\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "def dropout_forward(x, p, rng, train=True):\n    while True:\n        pass\n")}),

    # -- notebook tampering -------------------------------------------------------------------
    Case("edited_locked_check_cell", "tamper", raw=lambda nb: _edit(nb, "test_dropout_forward", source="pass")),
    Case("changed_points", "tamper", raw=lambda nb: _edit(nb, "test_dropout_forward", points=100)),
    Case("changed_grade_id", "tamper", raw=lambda nb: _edit(nb, "dropout_forward", grade_id="bonus_item")),
    Case("deleted_answer_cell", "tamper", wrong=(), zero=("l2_penalty",), raw=lambda nb: _delete(nb, "l2_penalty")),
    Case("duplicated_check_cells", "tamper", raw=lambda nb: _duplicate(nb, "test_dropout_forward")),
    Case("reordered_cells", "tamper", raw=lambda nb: _reverse_answers(nb)),
    Case("invalid_json", "tamper", rejected=True, raw=lambda nb: json.dumps(nb)[:-50].encode()),
    Case("other_assignment", "tamper", rejected=True, raw=lambda nb: _other_assignment(nb)),
    Case("not_a_notebook", "tamper", rejected=True, raw=b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10),
    Case("non_utf8", "tamper", rejected=True, raw=lambda nb: json.dumps(nb).encode("utf-16")),
    Case("200_megabytes", "tamper", rejected=True, raw=lambda nb: _huge(nb)),

    # -- the network --------------------------------------------------------------------------
    Case("connect_out", "network", last=[rescue_if(
        "__import__('socket').create_connection(('1.1.1.1', 53), timeout=2)")]),
    Case("connect_loopback", "network", last=[rescue_if(
        "any(__import__('socket').socket().connect_ex(('127.0.0.1', p)) == 0 for p in (22, 80, 5432, 8888))")]),
    Case("dns_lookup", "network", last=[rescue_if("__import__('socket').gethostbyname('pypi.org')")]),
]


def _cells(nb, grade_id):
    return [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id]


def _edit(nb, cell_id, source=None, **meta):
    for cell in _cells(nb, cell_id):
        if source is not None:
            cell["source"] = source
        cell["metadata"]["nbgrader"].update(meta)
    return json.dumps(nb).encode()


def _delete(nb, grade_id):
    nb["cells"] = [c for c in nb["cells"] if c not in _cells(nb, grade_id)]
    return json.dumps(nb).encode()


def _duplicate(nb, grade_id):
    cell = _cells(nb, grade_id)[0]
    nb["cells"].insert(nb["cells"].index(cell), json.loads(json.dumps(cell)))
    return json.dumps(nb).encode()


def _reverse_answers(nb):
    """Answer cells in reverse order (each still defines its own function)."""
    answers = [i for i, c in enumerate(nb["cells"]) if c.get("metadata", {}).get("nbgrader", {}).get("solution")
               and c["cell_type"] == "code"]
    cells = [nb["cells"][i] for i in answers][::-1]
    for i, cell in zip(answers, cells):
        nb["cells"][i] = cell
    return json.dumps(nb).encode()


def _other_assignment(nb):
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta:
            meta["grade_id"] = "another_" + meta["grade_id"]
    return json.dumps(nb).encode()


def _huge(nb):
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "x" * (200 * 2**20)})
    return json.dumps(nb).encode()

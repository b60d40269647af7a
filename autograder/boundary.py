"""The trust boundary: everything that crosses between the grader and student code passes here.

Hidden suites talk to a submission only through `Student`:

    out, cache = student.call("dropout_forward", x, 0.5, Seed(3), keep=[1])
    dx = student.dropout_backward(dout, cache)            # cache is a Handle: it never left
    stopper = student.EarlyStopping(patience=2)           # objects come back as Handles
    stop = student.method(stopper, "step", 0.9, params)
    best = student.attr(stopper, "best_params")

Arguments go out as plain data (autograder/agent/wire.py). Replies come back as untrusted bytes,
decoded under size limits into plain values; the grader never unpickles or evaluates them. A call
that raises, overruns its deadline or kills the kernel becomes a StudentError the suite reports.

Every call's contract is checked here, for every hidden test of every assignment: a call must
leave the grader's arguments (arrays, and the lists and dicts holding them) as they were sent, must not use numpy's
global random state, and, given a Seed, must give the same result for the same seed. What the
sandbox reports about this is decoded like any reply and compared with what the grader itself
sent; nothing the student made is asked. A broken contract is a ContractError, with a hint.
"""
from pathlib import Path

import numpy as np

from autograder.agent import wire

AGENT_FILES = ("wire.py", "agent.py")
_AGENT_DIR = Path(__file__).parent / "agent"


def agent_source():
    """The sandbox side of the interface, as one block of source text."""
    return "\n".join((_AGENT_DIR / name).read_text() for name in AGENT_FILES)


def make_agent(namespace):
    """Build an Agent serving `namespace` (used in the kernel, and in-process by LocalTransport)."""
    module = {"__name__": "course_agent"}
    exec(compile(agent_source(), "<course agent>", "exec"), module)
    return module["Agent"](namespace)


class Seed:
    """A request for a fresh `numpy.random.Generator` made from this seed on the student's side."""

    def __init__(self, seed):
        self.seed = int(seed)


class Handle:
    """An object that stays in the sandbox; only its id and type name are known here."""

    def __init__(self, id, type_name):
        self.id, self.type_name = id, type_name

    def __repr__(self):
        return f"<{self.type_name} object in the sandbox>"


class StudentError(Exception):
    """Student code did not return: it raised, timed out, or its kernel died."""

    def __init__(self, kind, message, traceback="", hint=None):
        super().__init__(message)
        self.kind, self.message, self.traceback, self.hint = kind, message, traceback, hint


class ContractError(StudentError):
    """Student code returned, but broke the contract every graded call has (see the module doc)."""

    def __init__(self, message, hint):
        super().__init__("contract", message, hint=hint)


IN_PLACE = ("An input was changed in place: a function must leave the arrays (and the lists and "
            "dicts) it is given as they were and return new ones (write `x = x * 2` or "
            "`out = x.copy()`, not `x *= 2`, `x[...] = ...` or `params[k] = ...`), because the "
            "caller still uses them.")
GLOBAL_RNG = ("The randomness came from numpy's global random state (np.random.rand, np.random.seed, "
              "...) instead of the generator passed in: draw every random number from `rng` "
              "(rng.random, rng.normal, ...), so that a run can be repeated from its seed.")
NOT_REPRODUCIBLE = ("Two calls with generators made from the same seed gave different results: every "
                    "random number must come from the `rng` argument, not from a new "
                    "np.random.default_rng() or any other source.")


def _encode_outgoing(obj):
    if isinstance(obj, Seed):
        return {"__rng__": obj.seed}
    if isinstance(obj, Handle):
        return {"__handle__": obj.id}
    raise TypeError(f"a hidden test tried to send {type(obj).__name__}, which is not plain data")


def _decode_incoming(tag, data):
    if tag == "__handle__" and type(data.get("__handle__")) is str and type(data.get("type")) is str:
        return Handle(data["__handle__"], data["type"][:100])
    raise wire.WireError(f"unexpected {tag} in a reply")


class Student:
    """The hidden suite's view of one submission."""

    def __init__(self, transport, limits=None):
        self._transport = transport
        self._limits = limits or wire.Limits()

    def call(self, target, *args, keep=(), **kwargs):
        return self._request({"op": "call", "target": target, "args": list(args),
                              "kwargs": kwargs, "keep": list(keep)}, target)

    def method(self, handle, name, *args, keep=(), **kwargs):
        return self._request({"op": "method", "handle": handle.id, "name": name, "args": list(args),
                              "kwargs": kwargs, "keep": list(keep)}, f"{handle.type_name}.{name}")

    def attr(self, handle, name):
        return self._request({"op": "getattr", "handle": handle.id, "name": name}, f"{handle.type_name}.{name}")

    def keep(self, value):
        """Leave the grader's own `value` in the sandbox: returns a Handle to pass to calls, so that
        a test can see what a call does with an object it is given (e.g. keeps it, or copies it)."""
        return self._request({"op": "keep", "value": value}, "the test's data")

    def assign(self, handle, path, value):
        """Change an object left by `keep` in place: obj[path[0]][path[1]]...[...] = value, as a
        training loop updates its weight arrays."""
        self._request({"op": "assign", "handle": handle.id, "path": list(path), "value": value},
                      "the test's data")

    def __getattr__(self, target):
        if target.startswith("_"):
            raise AttributeError(target)
        return lambda *args, **kwargs: self.call(target, *args, **kwargs)

    def _request(self, request, what):
        message = wire.dumps(request, _encode_outgoing)
        answer = self._transport.request(message, what)  # raises StudentError on timeout/crash
        try:
            reply = wire.loads(answer, _decode_incoming, self._limits)
        except wire.WireError as exc:
            raise StudentError("bad reply", f"{what} returned something that is not plain data: {exc}")
        if type(reply) is not dict or not (set(reply) == {"error"} or "value" in reply
                                           and set(reply) <= {"value", "changed", "global_rng", "replay"}):
            raise StudentError("bad reply", f"{what} gave a malformed reply")
        if "error" in reply:
            err = reply["error"] if type(reply["error"]) is dict else {}
            if err.get("type") == "NotImplementedError":
                raise StudentError("raised", f"{what} is not written yet (it raised NotImplementedError)")
            raise StudentError("raised", f"{what} raised {str(err.get('type', 'an error'))[:100]}: "
                                         f"{str(err.get('message', ''))[:2000]}",
                               str(err.get("traceback", ""))[:4000])
        _check_contract(request, reply, what)
        return reply["value"]


def _check_contract(request, reply, what):
    for entry in reply.get("changed", []):
        if not (type(entry) is list and len(entry) == 3 and type(entry[0]) is list):
            raise StudentError("bad reply", f"{what} gave a malformed reply")
        where, name, now = entry
        sent = _sent_at(request, where)
        if isinstance(sent, (np.ndarray, list, tuple, dict)) and not _same(sent, now):
            kind = (f"an array of shape {sent.shape}" if isinstance(sent, np.ndarray)
                    else f"a {type(sent).__name__}")
            raise ContractError(f"{what} changed its argument {_printable(name)} ({kind}) in place.",
                                IN_PLACE)
    states = reply.get("global_rng")
    if states is not None and not (type(states) is list and len(states) == 2 and _same(*states)):
        raise ContractError(f"{what} changed numpy's global random state.", GLOBAL_RNG)
    if "replay" in reply and not _same(reply["value"], reply["replay"]):
        raise ContractError(f"{what} gave two different results when called twice with generators "
                            f"made from the same seed.", NOT_REPRODUCIBLE)


def _sent_at(request, where):
    """The value the grader sent at `where` (["args", 0, "W"]), or None if there is none."""
    value = request
    for key in where:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _same(a, b):
    """Exactly equal plain data: arrays of the same dtype, shape and bytes; handles of one type."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                and a.shape == b.shape and a.tobytes() == b.tobytes())
    if isinstance(a, Handle) or isinstance(b, Handle):
        return isinstance(a, Handle) and isinstance(b, Handle) and a.type_name == b.type_name
    if type(a) in (list, tuple) and type(b) is type(a):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if type(a) is dict and type(b) is dict:
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and (a == b or a != a and b != b)   # NaN twice is the same


def _printable(name):
    text = "".join(c for c in str(name)[:80] if c.isprintable())
    return f"`{text}`" if text else "(unnamed)"


class LocalTransport:
    """Serves requests in this process from a namespace of functions.

    For the project's own fast tests of references and variants: the same agent code and wire
    format as the sandbox, without a kernel. Never used for student code.
    """

    def __init__(self, namespace):
        self.agent = make_agent(namespace)

    def request(self, message, what):
        return self.agent.handle(message)

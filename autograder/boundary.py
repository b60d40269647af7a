"""The trust boundary: everything that crosses between the grader and student code passes here.

Hidden suites talk to a submission only through `Student`:

    out, cache = student.call("dropout_forward", x, 0.5, Seed(3), keep=[1])
    dx = student.dropout_backward(dout, cache)            # cache is a Handle: it never left
    stopper = student.EarlyStopping(patience=2)           # objects come back as Handles
    stop = student.method(stopper, "step", 0.9, params)
    best = student.attr(stopper, "best_params")

Arguments go out as plain data (autograder/agent/wire.py). Replies come back as untrusted text,
decoded under size limits into plain values; the grader never unpickles or evaluates them. A call
that raises, overruns its deadline or kills the kernel becomes a StudentError the suite reports.
"""
from pathlib import Path

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

    def __init__(self, kind, message, traceback=""):
        super().__init__(message)
        self.kind, self.message, self.traceback = kind, message, traceback


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

    def __getattr__(self, target):
        if target.startswith("_"):
            raise AttributeError(target)
        return lambda *args, **kwargs: self.call(target, *args, **kwargs)

    def _request(self, request, what):
        text = wire.dumps(request, _encode_outgoing)
        reply_text = self._transport.request(text, what)  # raises StudentError on timeout/crash
        try:
            reply = wire.loads(reply_text, _decode_incoming, self._limits)
        except wire.WireError as exc:
            raise StudentError("bad reply", f"{what} returned something that is not plain data: {exc}")
        if type(reply) is not dict or len(reply) != 1 or not {"value", "error"} & set(reply):
            raise StudentError("bad reply", f"{what} gave a malformed reply")
        if "error" in reply:
            err = reply["error"] if type(reply["error"]) is dict else {}
            if err.get("type") == "NotImplementedError":
                raise StudentError("raised", f"{what} is not written yet (it raised NotImplementedError)")
            raise StudentError("raised", f"{what} raised {str(err.get('type', 'an error'))[:100]}: "
                                         f"{str(err.get('message', ''))[:2000]}",
                               str(err.get("traceback", ""))[:4000])
        return reply["value"]


class LocalTransport:
    """Serves requests in this process from a namespace of functions.

    For the project's own fast tests of references and variants: the same agent code and wire
    format as the sandbox, without a kernel. Never used for student code.
    """

    def __init__(self, namespace):
        self.agent = make_agent(namespace)

    def request(self, text, what):
        return self.agent.handle(text)

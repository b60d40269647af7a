"""The sandbox side of the call interface: runs inside the student's kernel.

It is sent into the kernel as source text (after wire.py) once the notebook has run. It serves
requests of the form

    {"op": "call",    "target": "dropout_forward", "args": [...], "kwargs": {...}, "keep": [1]}
    {"op": "method",  "handle": "h1", "name": "step", "args": [...], "kwargs": {...}, "keep": []}
    {"op": "getattr", "handle": "h1", "name": "best_params", "keep": []}

and answers {"value": ...} or {"error": {"type", "message", "traceback"}}. Objects that are not
plain data, and return positions listed in `keep`, stay here behind handles.

Nothing here is trusted by the grader: student code can replace any of it, and the grader treats
every answer as untrusted text (autograder/boundary.py).
"""
import traceback

import numpy as np

RESULT_MIME = "application/vnd.course.result+json"


class Agent:
    def __init__(self, namespace):
        self.namespace = namespace
        self.objects = {}

    def handle(self, request_text):
        request = loads(request_text, self._tagged)  # noqa: F821 - wire.py is sent first
        try:
            value = self._dispatch(request)
        except Exception as exc:  # the student's error, reported to the grader as data
            return dumps({"error": _describe(exc)}, _refuse)  # noqa: F821
        keep = set(request.get("keep", []))
        if keep and type(value) is tuple:
            value = tuple(_Kept(v) if i in keep else v for i, v in enumerate(value))
        elif keep:
            value = _Kept(value)
        return dumps({"value": value}, self._store)  # noqa: F821

    def _dispatch(self, request):
        op, args, kwargs = request["op"], request.get("args", []), request.get("kwargs", {})
        if op == "call":
            target = self.namespace.get(request["target"])
            if target is None:
                raise NameError(f"name '{request['target']}' is not defined in your notebook")
            return target(*args, **kwargs)
        obj = self.objects[request["handle"]]
        if op == "method":
            return getattr(obj, request["name"])(*args, **kwargs)
        if op == "getattr":
            return getattr(obj, request["name"])
        raise ValueError(f"unknown op {op!r}")

    def _store(self, obj):
        """Keep `obj` here (it is not plain data, or the grader asked to keep it): a handle goes back."""
        obj = obj.obj if isinstance(obj, _Kept) else obj
        handle = f"h{len(self.objects) + 1}"
        self.objects[handle] = obj
        return {"__handle__": handle, "type": type(obj).__name__}

    def _tagged(self, tag, data):
        if tag == "__rng__":
            return np.random.default_rng(int(data["__rng__"]))
        return self.objects[data["__handle__"]]


class _Kept:
    """Marks a return value the grader asked to leave in the sandbox."""

    def __init__(self, obj):
        self.obj = obj


def _refuse(obj):
    raise TypeError(f"cannot encode {type(obj).__name__}")


def _describe(exc):
    frames = traceback.extract_tb(exc.__traceback__)[2:]  # drop Agent.handle and _dispatch
    return {"type": type(exc).__name__, "message": str(exc)[:2000],
            "traceback": "".join(traceback.format_list(frames))[-4000:]}


def serve(agent, request_text):
    """Answer one request as a display message, the only channel the grader reads."""
    from IPython.display import publish_display_data

    publish_display_data({RESULT_MIME: agent.handle(request_text)})

"""Feedback for a student, made from a result file: scores per item, and what to fix.

It holds only what the result holds: failure messages and hints written for the student, the
student's own errors, and notes on the notebook. Never a hidden test's code or a reference.
"""
import html

from autograder.suite import SuiteError, suite_items

STATUS_WORDS = {"rejected": "Your notebook could not be graded", "error": "Grading failed"}


def _content(result):
    """(score line, notes, [(item, "got / max", full marks?, [(message, hint)])]) of a result."""
    notes = []
    if result["status"] != "graded":
        notes.append(f"{STATUS_WORDS.get(result['status'], result['status'])}: {result['reason']}")
    notes += [f"Note: {n}" for n in result.get("notes", [])]
    notes += [f"Cell {c['cell'] + 1} did not finish ({c['status']}): {c['error']}" for c in result.get("cells", [])]
    items = [(item, f"{e['score']:g} / {e['max_score']:g}", e["score"] == e["max_score"],
              _once([(t["message"], t["hint"]) for t in e["tests"] if not t["passed"] or t["message"]]))
             for item, e in sorted(result["items"].items(), key=_in_notebook_order(result))]
    return f"Score: {result['score']:g} / {result['max_score']:g}", notes, items


def _in_notebook_order(result):
    """Sort key: the items in the order the notebook (and its suite's POINTS) gives them; a result
    file keeps them sorted by name."""
    try:
        order = list(suite_items(result["assignment"]))
    except (SuiteError, ImportError):
        order = []
    return lambda entry: (order.index(entry[0]) if entry[0] in order else len(order), entry[0])


def _once(failures):
    """Each message and each hint once per item: several tests often catch the same mistake (a
    function not written yet fails every one of its tests with the same message)."""
    seen_messages, seen_hints = set(), set()
    out = []
    for message, hint in failures:
        if message in seen_messages:
            continue
        out.append((message, hint if hint not in seen_hints else ""))
        seen_messages.add(message)
        seen_hints.add(hint)
    return out


def render_text(result):
    score, notes, items = _content(result)
    lines = [f"{result['assignment']}: {result['student']}", score, *notes]
    for item, got, _, failures in items:
        lines.append(f"\n{item}: {got}")
        for message, hint in failures:
            lines.append(f"  - {message}" + (f"\n    Hint: {hint}" if hint else ""))
    return "\n".join(lines) + "\n"


def render_html(result):
    e = html.escape
    score, notes, items = _content(result)
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>Feedback: {e(result['assignment'])}</title>",
             "<style>body{font-family:sans-serif;max-width:52em;margin:2em auto}"
             ".ok{color:#1a7f37}.bad{color:#cf222e}.hint{background:#fff8c5;padding:.3em .6em}"
             "pre{white-space:pre-wrap;background:#f6f8fa;padding:.5em}</style></head><body>",
             f"<h1>{e(result['assignment'])}: feedback for {e(result['student'])}</h1>",
             f"<p><b>{e(score)}</b> (hand-graded answers are added separately)</p>",
             *(f"<p>{e(n)}</p>" for n in notes),
             "<table border='1' cellpadding='4'><tr><th>item</th><th>score</th></tr>",
             *(f"<tr><td>{e(item)}</td><td class='{'ok' if full else 'bad'}'>{got}</td></tr>"
               for item, got, full, _ in items),
             "</table>"]
    for item, _, _, failures in items:
        if failures:
            parts.append(f"<h2>{e(item)}</h2><ul>")
            for message, hint in failures:
                parts.append(f"<li><pre>{e(message)}</pre>"
                             + (f"<p class='hint'>Hint: {e(hint)}</p>" if hint else "") + "</li>")
            parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)

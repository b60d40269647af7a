"""Feedback for a student, made from a result file: scores per item, and what to fix.

It holds only what the result holds: failure messages and hints written for the student, the
student's own errors, and notes on the notebook. Never a hidden test's code or a reference.
"""
import html

from autograder.suite import SuiteError, suite_items

STATUS_WORDS = {"rejected": "Your notebook could not be graded", "error": "Grading failed"}


def score_line(result, hand=()):
    """The total a student (and `course autograde`) sees: autograded points, then the answers
    graded by hand (`gradebook.HandGrade`s), out of the full points of the assignment."""
    auto = f"{result['score']:g} / {result['max_score']:g}"
    if not hand:
        return auto
    done = [h for h in hand if h.score is not None]
    waiting = sum(h.max_score for h in hand if h.score is None)
    full = result["max_score"] + sum(h.max_score for h in hand)
    line = f"{auto} autograded"
    if done:
        line += f" + {sum(h.score for h in done):g} / {sum(h.max_score for h in done):g} graded by hand"
    if waiting:
        return line + f"; {waiting:g} more points wait for hand grading ({full:g} in all)"
    return line + f" = {result['score'] + sum(h.score for h in done):g} / {full:g}"


def _hand(hand):
    """[(cell, "got / max" or the word that it waits, the TA's comment)] of hand-graded answers."""
    return [(h.cell, "waiting for hand grading" if h.score is None else f"{h.score:g} / {h.max_score:g}", h.comment)
            for h in hand]


def _content(result, hand=()):
    """(score line, notes, [(item, "got / max", full marks?, [(message, hint)])]) of a result."""
    notes = []
    if result["status"] != "graded":
        notes.append(f"{STATUS_WORDS.get(result['status'], result['status'])}: {result['reason']}")
    notes += [f"Note: {n}" for n in result.get("notes", [])]
    notes += [f"Cell {c['cell'] + 1} did not finish ({c['status']}): {c['error']}" for c in result.get("cells", [])]
    items = [(item, f"{e['score']:g} / {e['max_score']:g}", e["score"] == e["max_score"],
              _once([(t["message"], t["hint"]) for t in e["tests"] if not t["passed"] or t["message"]]))
             for item, e in sorted(result["items"].items(), key=_in_notebook_order(result))]
    return f"Score: {score_line(result, hand)}", notes, items


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


def render_text(result, hand=()):
    score, notes, items = _content(result, hand)
    lines = [f"{result['assignment']}: {result['student']}", score, *notes]
    for item, got, _, failures in items:
        lines.append(f"\n{item}: {got}")
        for message, hint in failures:
            lines.append(f"  - {message}" + (f"\n    Hint: {hint}" if hint else ""))
    if hand:
        lines.append("\nAnswers graded by hand:")
        for cell, got, comment in _hand(hand):
            lines.append(f"  {cell}: {got}" + (f"\n    Comment: {comment}" if comment else ""))
    return "\n".join(lines) + "\n"


def render_html(result, hand=()):
    e = html.escape
    score, notes, items = _content(result, hand)
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>Feedback: {e(result['assignment'])}</title>",
             "<style>body{font-family:sans-serif;max-width:52em;margin:2em auto}"
             ".ok{color:#1a7f37}.bad{color:#cf222e}.hint{background:#fff8c5;padding:.3em .6em}"
             "pre{white-space:pre-wrap;background:#f6f8fa;padding:.5em}</style></head><body>",
             f"<h1>{e(result['assignment'])}: feedback for {e(result['student'])}</h1>",
             f"<p><b>{e(score)}</b></p>",
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
    if hand:
        parts.append("<h2>Answers graded by hand</h2><table border='1' cellpadding='4'>"
                     "<tr><th>answer</th><th>score</th><th>comment</th></tr>")
        parts += [f"<tr><td>{e(cell)}</td><td>{e(got)}</td><td>{e(comment)}</td></tr>"
                  for cell, got, comment in _hand(hand)]
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)

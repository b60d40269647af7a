"""Feedback for a student, made from a result file: scores per item, and what to fix.

It holds only what the result holds: failure messages and hints written for the student, the
student's own errors, and notes on the notebook. Never a hidden test's code or a reference.
"""
import html

STATUS_WORDS = {"rejected": "Your notebook could not be graded", "error": "Grading failed"}


def render_text(result):
    lines = [f"{result['assignment']}: {result['student']}",
             f"Score: {result['score']:g} / {result['max_score']:g}"]
    if result["status"] != "graded":
        lines.append(f"{STATUS_WORDS.get(result['status'], result['status'])}: {result['reason']}")
    lines += [f"Note: {n}" for n in result.get("notes", [])]
    for c in result.get("cells", []):
        lines.append(f"Cell {c['cell'] + 1} did not finish ({c['status']}): {c['error']}")
    for item, entry in result["items"].items():
        lines.append(f"\n{item}: {entry['score']:g} / {entry['max_score']:g}")
        for t in entry["tests"]:
            if not t["passed"]:
                lines.append(f"  - {t['message']}")
                if t["hint"]:
                    lines.append(f"    Hint: {t['hint']}")
    return "\n".join(lines) + "\n"


def render_html(result):
    e = html.escape
    parts = [f"<!doctype html><html><head><meta charset='utf-8'><title>Feedback: {e(result['assignment'])}</title>",
             "<style>body{font-family:sans-serif;max-width:52em;margin:2em auto}"
             ".ok{color:#1a7f37}.bad{color:#cf222e}.hint{background:#fff8c5;padding:.3em .6em}"
             "pre{white-space:pre-wrap;background:#f6f8fa;padding:.5em}</style></head><body>",
             f"<h1>{e(result['assignment'])}: feedback for {e(result['student'])}</h1>",
             f"<p><b>Score: {result['score']:g} / {result['max_score']:g}</b> (hand-graded answers are added separately)</p>"]
    if result["status"] != "graded":
        parts.append(f"<p class='bad'>{e(STATUS_WORDS.get(result['status'], result['status']))}: {e(result['reason'])}</p>")
    parts += [f"<p>Note: {e(n)}</p>" for n in result.get("notes", [])]
    for c in result.get("cells", []):
        parts.append(f"<p class='bad'>Cell {c['cell'] + 1} did not finish ({e(c['status'])}): {e(c['error'])}</p>")
    parts.append("<table border='1' cellpadding='4'><tr><th>item</th><th>score</th></tr>")
    for item, entry in result["items"].items():
        cls = "ok" if entry["score"] == entry["max_score"] else "bad"
        parts.append(f"<tr><td>{e(item)}</td><td class='{cls}'>{entry['score']:g} / {entry['max_score']:g}</td></tr>")
    parts.append("</table>")
    for item, entry in result["items"].items():
        failed = [t for t in entry["tests"] if not t["passed"]]
        if failed:
            parts.append(f"<h2>{e(item)}</h2><ul>")
            for t in failed:
                parts.append(f"<li><pre>{e(t['message'])}</pre>")
                if t["hint"]:
                    parts.append(f"<p class='hint'>Hint: {e(t['hint'])}</p>")
                parts.append("</li>")
            parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)

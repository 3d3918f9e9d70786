"""User text shown literally wherever Streamlit renders markdown (issue 14, item 6).

st.markdown, st.write, st.caption, st.title/header/subheader, st.info/warning/error/success,
and the labels of buttons, page links, expanders, tabs, metrics and widgets all render
markdown: a title typed as `[clic](https://evil)` or `![x](https://evil/x.png)` would become a
link, or an image the reader's browser fetches. Every text a user (or an imported file) wrote
goes through `literal()` before it is embedded in such a string; pages reach it as
`ui.literal`. No streamlit here: exports and tests use it too.

ASVS 4.0.3 V5.3.1 (output encoding relevant for the interpreter), V5.3.3 (context-aware
escaping against reflected, stored and DOM-based XSS).
"""

import html
import re

# Characters that open a construct anywhere in a line: emphasis, code, links and images (no "]("
# once brackets are escaped), HTML and autolinks, tables, strike-through, KaTeX, Streamlit's
# `:color[...]` directives. Parentheses and "&" alone build nothing (an entity renders a character).
_ALWAYS = "\\`*_{}[]<>#|~$!"
_ESCAPES = str.maketrans({c: f"\\{c}" for c in _ALWAYS})
# ...and those that matter only in one position (kept readable elsewhere: "Jean-Pierre", "S.A.",
# "Note: ..."): a list or heading marker at the start of a line, a bare URL's "://", "www.".
_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")
_SCHEME = re.compile(r":(?=//)")
_WWW = re.compile(r"(?i)\b(www)\.")


def _escape_line(line: str) -> str:
    line = line.strip().translate(_ESCAPES)  # leading spaces would start a code block
    line = _SCHEME.sub(r"\\:", _WWW.sub(r"\1\\.", line))
    match = _LINE_START.match(line)
    if match and match.group(1)[0].isdigit():
        return line[: match.end()] + "\\" + line[match.end():]
    return "\\" + line if match else line


def literal(value: object, *, multiline: bool = True) -> str:
    """`value` as markdown that renders exactly as typed (None shows as empty).
    Line breaks are kept as hard breaks; a label (multiline=False) gets spaces instead."""
    if value is None:
        return ""
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return ("  \n" if multiline else " ").join(_escape_line(line) for line in lines)


def label(value: object) -> str:
    """For the one-line labels (buttons, expanders, tabs, page links, widget labels)."""
    return literal(value, multiline=False)


def chart_text(value: object) -> str:
    """User text in a plotly label or hover: plotly reads a subset of HTML there (`<a href>`,
    `<b>`, `<br>`...), so `<`, `>` and `&` are given as entities and shown as typed."""
    return html.escape("" if value is None else str(value), quote=False)

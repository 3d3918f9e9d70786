"""One language on a page (issue 20): the detectors of a raw catalogue key and of a word of
the other language, and the text a person reads on a page drawn by Streamlit's AppTest.

Used by the AppTest walk (tests/apptest/test_language_walk.py: every page of every role, in
both languages, on the non-browser workers) and by the browser walk
(tests/e2e/test_french_everywhere.py: what only the browser draws)."""

import html
import json
import re

from google.protobuf.message import Message

from dashboard.i18n import catalogue, has_key

AREAS = {key.split(".", 1)[0] for key in catalogue()}  # first segments of the catalogue's keys
CANDIDATE = re.compile(r"(?<![\w@./\-])[a-z_]+(?:\.[a-z0-9_]+)+(?![\w@/\-])")
FILE_ENDINGS = {"csv", "pdf", "zip", "txt", "json", "ics", "log", "xlsx", "png", "fr", "com", "org", "eu", "example",
                "net", "io"}
ENGLISH = ("True", "False", "None", "channel", "method", "Sep", "Submit", "Browse files", "Drag and drop", "Upload",
           "per file", "Choose an option", "Choose options", "No options", "No results", "Select all",
           "Press Enter", "Deadlines", "Requests", "Search", "Download", "Choose a date", "today")
FRENCH = ("Vrai", "Faux", "Télécharger", "Parcourir", "Déposez", "Échéances", "Demandes",
          "Choisir", "Enregistrer", "Rechercher", "aujourd'hui", "Oui", "Non", "Motif", "janv.", "févr.", "sept.",
          "déc.")
OTHER_LANGUAGE = {"fr": ENGLISH, "en": FRENCH}


def catalogue_keys(text: str) -> list[str]:
    """Words that look like a catalogue key (area.name[.more]): a real key, or one of an area
    the catalogue knows. File names and e-mail or web addresses are not keys."""
    found = []
    for match in CANDIDATE.finditer(text):
        word = match.group(0)
        if word.rsplit(".", 1)[-1] in FILE_ENDINGS:
            continue
        if has_key(word) or word.split(".", 1)[0] in AREAS:
            found.append(word)
    return found


def foreign_words(text: str, words: tuple[str, ...]) -> list[str]:
    """The words of the list found as words ("Non" in "Non-EU" or "Nonne" is not the word)."""
    return [w for w in words if re.search(rf"(?<![\w'’-]){re.escape(w)}(?![\w'’-])", text)]


def findings(text: str, language: str) -> tuple[list[str], list[str]]:
    """The catalogue keys and the other language's words in `text`, shown in `language`."""
    return sorted(set(catalogue_keys(text))), foreign_words(text, OTHER_LANGUAGE[language])


# ------------------------------------------------------------------ what AppTest shows

# The fields of an element's message that a person reads: its text, label, help (the "?"
# tooltip), placeholder, options (drop-down lists, radios, segmented controls: `content`),
# a metric's delta, a text box's prefilled value. Ids, keys, icons, formats, urls are not read.
READ_FIELDS = {"body", "label", "help", "placeholder", "options", "content", "delta", "caption", "captions", "default",
               "value", "text", "title", "tooltip"}
NOT_READ = {"Dataframe": "table", "Arrow": "table", "PlotlyChart": "chart", "Html": "html", "Exception": None,
            "DateInput": "widget", "DateTimeInput": "widget", "TimeInput": "widget", "NumberInput": "widget",
            "Slider": "widget", "Checkbox": "widget"}
# date, time and number widgets' default and value are not words; their label and help are
WIDGET_WORDS = {"label", "help", "placeholder"}
MARKDOWN_LINK = re.compile(r"\]\((?:[^()]|\([^()]*\))*\)")  # [text](target): the target is not shown
HTML_HIDDEN = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
HTML_TAG = re.compile(r"<[^>]+>")
DATE_WORDS = re.compile(r"MMM|ddd|dddd|\bdistance\b|\brelative\b")  # dayjs formats that write English words
CHART_TEXT = {"text", "name", "hovertext", "hovertemplate", "texttemplate", "ticktext", "labels"}
CHART_TEMPLATE = re.compile(r"%\{[^}]*\}|<extra>.*?</extra>")


def _strings(value) -> list[str]:
    items = list(value) if hasattr(value, "__len__") and not isinstance(value, (str, bytes, Message)) else [value]
    return [item for item in items if isinstance(item, str)]


def _message_text(message, out: list[str], fields=READ_FIELDS) -> None:
    for field, value in message.ListFields():
        if field.type == field.TYPE_MESSAGE:
            for item in (value if hasattr(value, "__len__") and not isinstance(value, Message) else [value]):
                _message_text(item, out, fields)
        elif field.type == field.TYPE_STRING and field.name in fields:
            out.extend(_strings(value))


def _markdown(text: str) -> str:
    return MARKDOWN_LINK.sub("]", text)


CSS_CONTENT = re.compile(r'content:\s*((?:"(?:[^"\\]|\\.)*"\s*)+);')


def _html(text: str) -> str:
    """What an html element shows: its text, and the words a style sheet writes with
    `content:` (ui.widget_texts: the file uploader's button and instructions)."""
    shown = [json.loads(part) for block in CSS_CONTENT.findall(text)
             for part in re.findall(r'"(?:[^"\\]|\\.)*"', block)]
    return html.unescape(HTML_TAG.sub(" ", HTML_HIDDEN.sub(" ", text))) + "\n" + " ".join(shown)


def _table_text(node, language: str, out: list[str]) -> None:
    """A table as the browser draws it: the headers (a column's label when it has one), each
    cell (an empty cell reads "None" in st.dataframe, a yes/no column is a box), the help on
    a header, dates in a format that spells months or days (in English whatever the language)."""
    frame = node.value
    config = json.loads(getattr(node.proto, "columns", "") or "{}")
    for column in frame.columns:
        settings = config.get(str(column), {})
        if settings.get("hidden"):
            continue
        out.append(str(settings.get("label") or column))
        out.extend(_strings(settings.get("help") or []))
        type_config = settings.get("type_config") or {}
        out.extend(str(o) for o in type_config.get("options") or [])
        if language == "fr" and DATE_WORDS.search(str(type_config.get("format", ""))):
            out.append(f"date format {type_config['format']} writes Sep")  # a month in English: "Sep"
        series = frame[column]
        if series.dtype == bool:
            continue
        out.extend("None" if cell is None or cell != cell else str(cell) for cell in series)


def _chart_text(spec: str, out: list[str]) -> None:
    """A plotly figure's own words: titles, trace names, texts, hover templates, category labels."""
    def visit(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "template":  # the theme: colours and fonts
                    continue
                visit(v, k)
        elif isinstance(value, list):
            for v in value:
                visit(v, key)
        elif isinstance(value, str) and (key in CHART_TEXT or key in {"x", "y"}):
            out.append(CHART_TEMPLATE.sub(" ", value))
    figure = json.loads(spec)
    visit(figure.get("data", []))
    layout = figure.get("layout", {})
    visit({k: v for k, v in layout.items() if k != "template"}, "layout")


def page_text(at, language: str) -> str:
    """Every text a person can read on the page AppTest drew (main area and sidebar):
    every element's text and labels, help, placeholders and options, the headers and cells
    of tables, the words of charts, the content of every tab, expander and popover (AppTest
    has them all, open or not)."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and isinstance(proto, Message):
            kind = proto.DESCRIPTOR.name
            if kind in ("Arrow", "Dataframe") or getattr(node, "type", "") in ("dataframe", "table"):
                _table_text(node, language, out)
            elif kind == "PlotlyChart":
                _chart_text(proto.spec, out)
            elif kind == "Html":
                out.append(_html(proto.body))
            elif NOT_READ.get(kind) == "widget":
                _message_text(proto, out, WIDGET_WORDS)
            elif kind != "Exception":
                texts: list[str] = []
                _message_text(proto, texts)
                out.extend(_markdown(t) for t in texts)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)

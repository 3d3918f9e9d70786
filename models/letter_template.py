"""Letter templates: plain text with placeholders, rendered by Jinja2 in a sandbox.

A template may contain only what a letter needs: text, placeholders (`{{ requester_name }}`),
conditions (`{% if partly_granted %}…{% else %}…{% endif %}`), comments (`{# … #}`) and
a few text filters (`{{ controller | upper }}`). Anything else — attribute or item access
(`{{ ''.__class__ }}`), calls, loops, assignments, includes, arithmetic — is refused when
the template is saved, so that no template can reach Python objects or build a huge
text; rendering happens in Jinja2's SandboxedEnvironment with StrictUndefined on top.

Every placeholder is documented (`PLACEHOLDERS`, described in the catalogue under
`answer.placeholder.<name>`); an unknown name is refused on save.
"""

from dataclasses import dataclass

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from models.answer_letter import LETTER_MAX_CHARS, TEMPLATE_MAX_CHARS
from models.errors import RuleViolation

# name -> True for a yes/no value (for {% if %}), False for a text.
PLACEHOLDERS: dict[str, bool] = {
    "requester_name": False,
    "reference": False,
    "received_on": False,
    "letter_date": False,
    "due_on": False,
    "rights": False,
    "outcome": False,
    "partly_granted": True,
    "extended": True,
    "excessive": True,  # Art. 12(5): excessive (True) or manifestly unfounded (False)
    "reasons": False,
    "controller": False,
    "controller_address": False,
    "dpo_name": False,
    "dpo_email": False,
    "dpo_address": False,
    "activities": False,
    "purposes": False,
    "data_categories": False,
    "recipients": False,
    "retention": False,
    "transfers": False,
    "source": False,
    "data_found": False,
    "erased": False,
    "kept": False,
    "recipients_notified": False,
}
FILTERS = frozenset({"upper", "lower", "capitalize", "title", "trim"})
# What a draft leaves for a person to write; an answer still holding it is not issued.
TO_COMPLETE = {"fr": "[À compléter : {what}]", "en": "[To be completed: {what}]"}
_TO_COMPLETE_PREFIXES = tuple(text.split("{")[0] for text in TO_COMPLETE.values())

_ALLOWED_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.If,
                  nodes.Not, nodes.And, nodes.Or, nodes.Compare, nodes.Operand, nodes.CondExpr, nodes.Concat)
_ALLOWED_COMPARISONS = frozenset({"eq", "ne", "in", "notin"})

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


@dataclass(frozen=True)
class Checked:
    body: str
    placeholders: tuple[str, ...]  # the placeholders the template uses


def _refuse(node: nodes.Node) -> RuleViolation:
    return RuleViolation("answer.error.template_construct", line=getattr(node, "lineno", 0) or 1)


def _walk(node: nodes.Node, used: set[str], unknown: list[str]) -> None:
    if isinstance(node, nodes.Filter):
        if node.name not in FILTERS or node.args or node.kwargs or node.dyn_args or node.dyn_kwargs:
            raise RuleViolation("answer.error.template_filter", line=node.lineno or 1, name=node.name)
    elif not isinstance(node, _ALLOWED_NODES):
        raise _refuse(node)
    if isinstance(node, nodes.Name):
        if node.ctx != "load":
            raise _refuse(node)
        if node.name in PLACEHOLDERS:
            used.add(node.name)
        elif node.name not in unknown:
            unknown.append(node.name)
    if isinstance(node, nodes.Const) and not isinstance(node.value, (str, bool, int, type(None))):
        raise _refuse(node)
    if isinstance(node, nodes.Operand) and node.op not in _ALLOWED_COMPARISONS:
        raise _refuse(node)
    for child in node.iter_child_nodes():
        _walk(child, used, unknown)


def check_template(body: str) -> Checked:
    """The template as it will be stored, or a RuleViolation saying what is wrong
    (syntax error and its line, unknown placeholder, forbidden construct, length)."""
    if not isinstance(body, str) or "\x00" in body:
        raise RuleViolation("validation.nul_character")
    body = body.replace("\r\n", "\n").strip()
    if len(body) < 20:
        raise RuleViolation("answer.error.template_too_short")
    if len(body) > TEMPLATE_MAX_CHARS:
        raise RuleViolation("answer.error.template_too_long", max=TEMPLATE_MAX_CHARS, length=len(body))
    try:
        tree = _ENV.parse(body)
    except TemplateSyntaxError as error:
        raise RuleViolation("answer.error.template_syntax", line=error.lineno or 1) from None
    used: set[str] = set()
    unknown: list[str] = []
    _walk(tree, used, unknown)
    if unknown:
        raise RuleViolation("answer.error.unknown_placeholder", names=", ".join(unknown[:10]))
    # A trial rendering with every placeholder filled: nothing may fail at issue time.
    for flag in (True, False):
        sample = {name: flag if boolean else name for name, boolean in PLACEHOLDERS.items()}
        try:
            _ENV.from_string(body).render(sample)
        except TemplateError:
            raise RuleViolation("answer.error.template_render") from None
    return Checked(body, tuple(sorted(used)))


def render(body: str, values: dict[str, object]) -> str:
    """The template filled with `values` (every placeholder must be given)."""
    checked = check_template(body)
    missing = [name for name in checked.placeholders if name not in values]
    if missing:
        raise RuleViolation("answer.error.unknown_placeholder", names=", ".join(missing))
    try:
        text = _ENV.from_string(checked.body).render({k: v for k, v in values.items() if k in PLACEHOLDERS})
    except TemplateError:
        raise RuleViolation("answer.error.template_render") from None
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()[:LETTER_MAX_CHARS]


def still_to_complete(text: str) -> bool:
    """The answer still holds a part the draft left to write."""
    return any(prefix in text for prefix in _TO_COMPLETE_PREFIXES)

"""Edit forms that remember what the user saw (UI layer: imports streamlit).

A page opens one `CaseForms` for the record it shows. The first time the page draws
the record, the versions of the rows it shows and any default such as "now" are
fixed; later reruns (a click elsewhere, minutes of thinking) keep them, so a save
carries the version the user saw and the time the user typed, not what the rerun
after the click reads.

Widget keys carry a generation. After the user's own save the generation moves on:
every form of the record is drawn again from the stored values, and the second
click of a double submit finds no widget to trigger. After a refused save nothing
moves: the user's input stays on screen beside the message saying who changed what.
Opening another page or another record starts afresh (`begin_page`).
"""

from collections.abc import Callable
from typing import Any

import streamlit as st

from dashboard import ui
from dashboard.errors import ConcurrentEdit

_STORE = "_case_forms"
_PAGE = "_case_forms_page"
_COUNTER = "_case_forms_generation"


def _next_generation() -> int:
    """Generations never repeat in a browser session: another record's form, drawn with the
    same widget names, never inherits this one's input."""
    st.session_state[_COUNTER] = st.session_state.get(_COUNTER, 0) + 1
    return st.session_state[_COUNTER]


def begin_page(page_id: str) -> None:
    """Called by the entry script on every run: a different page or record than the
    last run means the user opened it anew, so what was fixed for forms is dropped."""
    if st.session_state.get(_PAGE) != page_id:
        st.session_state[_PAGE] = page_id
        st.session_state[_STORE] = {}


class CaseForms:
    def __init__(self, kind: str, record_id: object = None):
        self.kind = kind
        store = st.session_state.setdefault(_STORE, {})
        scope = f"{kind}:{record_id}"
        for other in [s for s in store if s.startswith(f"{kind}:") and s != scope]:
            del store[other]  # another record chosen on the same page (a select box): this one opens anew
        if scope not in store:
            store[scope] = {"gen": _next_generation(), "versions": {}, "fixed": {}}
        self._state = store[scope]
        # The generation a save moves to and the box its flash goes in, fetched now: a click made
        # during a slow save starts its run at the saving run's next Streamlit call, session state
        # included, so a save moves the forms on and posts its message without one (`done`);
        # otherwise that click would submit the old form again, and the message would be lost.
        self._spare = _next_generation()
        self._flash = ui.flash_box()
        # Drawn where the record's forms begin, outside them: the "reload" offer after a refused
        # save is a button, which Streamlit does not allow inside a form.
        self._offer = st.empty()

    def version(self, row: object, current: int, name: str = "") -> int:
        """The version of `row` (a name or id within the record) when the user first saw it."""
        return self._state["versions"].setdefault(f"{name}{row}", current)

    def fixed(self, name: str, factory: Callable[[], Any]) -> Any:
        """A value computed once, when the forms are first drawn: a default such as "now", or what
        decides which forms a page draws (the record's status as the user first saw it). Someone
        else's change meanwhile must not take a form away under its submit, which Streamlit drops
        without a word; drawn, the submit reaches its use case, which refuses it in words."""
        fixed = self._state["fixed"]
        if name not in fixed:
            fixed[name] = factory()
        return fixed[name]

    def key(self, *parts: object) -> str:
        """A widget key `<kind>-g<generation>__<parts>`; with no parts, the prefix that a
        widget helper extends with `_<name>` (tests: tests.e2e.conftest.keyed)."""
        return f"{self.kind}-g{self._state['gen']}_" + ("_" + "_".join(str(p) for p in parts) if parts else "")

    def reset(self) -> None:
        """Forget what was fixed and draw every form of the record from the stored values."""
        spare, self._spare = self._spare, None
        self._state.update(gen=spare or _next_generation(), versions={}, fixed={})

    def opened(self, record_id: int, page: str, message: str, **params) -> None:
        """After a use case that created a record: start afresh and open the record on `page`
        with `message`, both posted before any Streamlit call (see `__init__`), so that a run
        that gives way to a second click still lands there (`ui.follow_opening`)."""
        self.reset()
        query = {"id": str(record_id)}
        self._flash.update(item=(message, params), open=(page, query))
        st.switch_page(page, query_params=query)

    def done(self, result: ui.Result, message: str = "common.saved", **params) -> bool:
        """After a use case: on success, start afresh and rerun with `message`; on a
        concurrent edit, offer to reload the record (the input stays until then)."""
        if result.ok:
            self.reset()
            if message:
                self._flash["item"] = (message, params)
            st.rerun()
        if isinstance(result.error, ConcurrentEdit):
            self._offer.button(ui.t("forms.reload_record"), key=self.key("reload"), icon=":material/refresh:",
                               on_click=self.reset)
        return result.ok


_SHOTS = "_one_shot_buttons"


class OneShot:
    """A button whose action (issuing a document) runs once per click. Its key carries a count
    that moves on when the action succeeds, with no Streamlit call between the action and its
    outcome kept (see CaseForms): a second click made while the action runs presses a button of
    the previous count, and its run shows the outcome of the first."""

    def __init__(self, name: str):
        self.name = name
        self._state = st.session_state.setdefault(_SHOTS, {}).setdefault(name, {"count": 0, "outcome": None})
        self.key = f"{name}-{self._state['count']}"

    @property
    def outcome(self) -> Any:
        """What the last successful click gave (None before any)."""
        return self._state["outcome"]

    def run(self, action: Callable[[], Any]) -> None:
        """Run the click's action; on success keep its outcome and move the count on. The button
        on screen keeps the count it was drawn with until the next run: an action quicker than a
        double click's two clicks (an issue takes 0.2 s) must not have redrawn it by the second."""
        outcome = action()
        if outcome:
            self._state.update(count=self._state["count"] + 1, outcome=outcome)

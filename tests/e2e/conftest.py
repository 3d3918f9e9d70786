"""End-to-end tests: the real app served by `streamlit run`, driven in headless
Chromium by Playwright. One app server and one browser for the whole session.

Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM_PATH): Playwright's own browser
download does not work here. Without it the browser tests are skipped with a reason;
in CI (CI=true) that is a failure.
"""

import os
import re
import shutil
import time
import warnings
from pathlib import Path

import pytest

from tests.app_server import served_app
from tests.conftest import service_missing, sqlite_demo_file

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
PASSWORD = "demo-dpo-desk-2026"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def e2e_database_url(tmp_path_factory) -> str:
    """The served app's database: a test may prepare data in it through the use cases."""
    return f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.sqlite3'}"


@pytest.fixture(scope="session")
def app_clock(e2e_database_url) -> Path:
    """How many seconds the served app's clock runs ahead (tests/app_clock.py): none but while a
    test lets a minute pass (`let_a_minute_pass`)."""
    path = Path(e2e_database_url.removeprefix("sqlite:///")).with_name("clock-shift")
    path.write_text("0")
    return path


@pytest.fixture(scope="session")
def app_url(e2e_database_url, app_clock, tmp_path_factory, sqlite_template):
    """The demo database (a copy of the worker's demo file: the seeders `manage.py seed-demo`
    runs, built once per worker), served on a free port by the launcher that `manage.py serve` uses
    (dashboard/server.py: the app and the calendar feed route)."""
    path = Path(e2e_database_url.removeprefix("sqlite:///"))
    shutil.copyfile(sqlite_demo_file(tmp_path_factory, sqlite_template), path)
    with served_app(e2e_database_url, path.parent, clock=app_clock) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        service_missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, **options):
    """A page in a browser context of its own (its own cookies: another person), as the tests
    see the app: a wide window, French, patient timeouts. Its script runs and the clicks that
    reach the app are counted from the start (`script_runs`, `press`)."""
    context = browser.new_context(**{"viewport": {"width": 1400, "height": 900}, "locale": "fr-FR", **options})
    context.set_default_timeout(30_000)  # CI's 2 cores can be slow
    page = context.new_page()
    script_runs(page)
    return page


@pytest.fixture(scope="module")
def database(app_url, e2e_database_url):
    """An engine on the served app's database: what a test sets up, and what it reads back."""
    from dashboard import db

    engine = db.make_engine(e2e_database_url)
    yield engine
    engine.dispose()


def signed_in(browser, app_url: str, *usernames: str):
    """Two (or more) people at once, for a module-scoped fixture to yield from: a page each, in
    a browser context of its own, signed in as each user in turn; their contexts closed at the end."""
    pages = [new_page(browser) for _ in usernames]
    for page, username in zip(pages, usernames):
        login(page, app_url, username)
    yield tuple(pages)
    for page in pages:
        page.context.close()


@pytest.fixture
def page(browser, request):
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)  # expect(...) waits 5 s by default: too short on a loaded machine
    page = new_page(browser, accept_downloads=True)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    page.context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


def wait_idle(page) -> None:
    """Streamlit has finished running the script."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)


def login(page, app_url: str, username: str, password: str = PASSWORD, *, at: str = "") -> None:
    """Sign in on the log-in form that the address `at` ("dsr-case?id=3", a mail's link) shows to
    someone signed out; that page opens once signed in (the overview for the app's root)."""
    page.context.clear_cookies()  # a session cookie would resume the previous user's session
    page.goto(f"{app_url}/{at.removeprefix(app_url).lstrip('/')}")
    wait_idle(page)
    page.locator(".st-key-login_username input").fill(username)
    page.locator(".st-key-login_password input").fill(password)
    press(page.get_by_role("button", name="Se connecter"), "log in")
    page.get_by_text("Connecté(e) :").wait_for()
    wait_idle(page)


def no_traceback(page) -> None:
    """No Python traceback on the page (a negative check: it holds at once when true)."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stApp")).not_to_contain_text("Traceback")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def open_page(page, title: str) -> None:
    """Follow a link of the sidebar navigation."""
    press(page.get_by_test_id("stSidebarNav").get_by_role("link", name=title), f"the link {title!r}")
    wait_idle(page)


def settle(page) -> None:
    """Let a rerun that a widget change starts a moment later run to its end."""
    page.wait_for_timeout(300)
    wait_idle(page)


def keyed(key: str) -> str:
    """The CSS selector of the widget with this key. Edit forms put a generation after
    their kind (`dsr_new-g3__name`, see dashboard/form_state.py): "dsr_new/name" finds it."""
    if "/" in key:
        kind, name = key.split("/", 1)
        return f"[class*='st-key-{kind}-g'][class*='__{name} ']"  # Streamlit's own classes follow the key
    return f".st-key-{key}"


def labelled(page, test_id: str, label: str):
    """The widget of this kind (its data-testid, e.g. "stTimeInput") that shows `label`, found as
    a person finds it, not by its key. For the slow-person tests: the key is what keeps a typed
    time when a form computes its "now" default again (Streamlit hashes an unkeyed widget's
    default into its identity, so a new default is a new, blank widget), and a test that finds
    the widget by its key cannot run against a form that lost the key."""
    return page.get_by_test_id(test_id).filter(has=page.get_by_text(label, exact=True))


def choose(page, key: str, text: str, exact: bool = False) -> None:
    """Pick, in the selectbox or multiselect with this widget key, the option showing `text`
    (exactly, or containing it): typed first, since long option lists are virtualised. A
    rerun may close the list under the cursor: then open it again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.locator(f"{keyed(key)} input")
    name = text if exact else re.compile(re.escape(text))
    for attempt in range(3):
        settle(page)
        box.click()
        box.fill("")
        box.press_sequentially(text)
        option = page.get_by_role("option", name=name, exact=exact or None).first
        try:
            option.click(timeout=8_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    settle(page)


def press(button, what: str = "") -> None:
    """Click a button that makes the app run its script (a form's submit, a button, a link of
    the navigation) and see the click reach the app. A click made just after a page load or a
    change in the same form sometimes does nothing in Streamlit's frontend: the browser sends no
    message (a WebSocket trace shows none) and what was typed stays on screen; not yet explained.
    What the user does then, click again, must work: said by a warning, not hidden. Nothing was
    sent, so the second click cannot file twice. The page must come from `new_page` (or have
    `script_runs` attached before it opened the app)."""
    runs = getattr(button.page, "_dpo_script_runs", None)
    if runs is None:
        raise RuntimeError("press: the page's messages are not followed; make it with new_page")
    for _ in range(2):
        sent = runs.sent
        button.click()
        if runs._until(lambda: runs.sent > sent, 10):
            return
        warnings.warn(f"{what or button}: the click sent nothing; clicked again")
    raise AssertionError(f"{what or button}: two clicks sent nothing to the app")


def open_tab(page, name: str) -> None:
    """Click a tab once the script has finished: while a rerun runs, Streamlit can show the
    previous run's tab bar beside the new one (then the newest, last, is the live one).
    A click made just after a page load sometimes does nothing (see `press`): then the
    user clicks again, said by a warning."""
    from playwright.sync_api import expect

    settle(page)
    tab = page.get_by_role("tab", name=name).last
    tab.click()
    try:
        expect(tab).to_have_attribute("aria-selected", "true", timeout=10_000)
    except AssertionError:
        warnings.warn(f"the click on the tab {name!r} did nothing; clicked again")
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
    settle(page)


class ScriptRuns:
    """The script runs of one browser page, counted from Streamlit's own messages on its
    websocket (a run of the whole script begins with new_session and ends with
    script_finished; a fragment's runs, tagged with its id, are not counted). An action that makes the app run its script is then followed to that
    run's end: no fixed sleep, and no race with a run that has not begun yet (the page's
    "notRunning" state is also what it shows just before the run starts)."""

    def __init__(self, page):
        self.page = page
        self.started = 0
        self.finished = 0
        self.page_path = None  # the url path of the page the last run drew (its navigation message)
        self.sent = 0  # the runs the browser asked for (a click, a widget change, a page change)
        self.received: list[bytes] | None = None  # the app's messages, kept while a test sets a list here
        page.on("websocket", self._socket)

    def _socket(self, socket) -> None:
        if socket.url.split("?", 1)[0].endswith("/_stcore/stream"):
            socket.on("framereceived", self._frame)
            socket.on("framesent", self._sent)

    def _sent(self, payload) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg()
        try:
            message.ParseFromString(bytes(payload) if isinstance(payload, bytes | bytearray) else payload.encode())
        except Exception:  # not a message of ours: nothing to count
            return
        if message.WhichOneof("type") == "rerun_script":
            self.sent += 1

    def _frame(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if not isinstance(payload, bytes | bytearray):
            return
        if self.received is not None:
            self.received.append(bytes(payload))
        message = ForwardMsg()
        try:
            message.ParseFromString(bytes(payload))
        except Exception:  # not a message of ours: nothing to count
            return
        kind = message.WhichOneof("type")
        if message.metadata.run.fragment_ids:  # a fragment's own run (a page's timer): not the page's
            return
        if kind == "new_session":  # sent as each run of the whole script begins
            self.started += 1
        elif kind == "script_finished" and message.script_finished in (ForwardMsg.FINISHED_SUCCESSFULLY,
                                                                      ForwardMsg.FINISHED_WITH_COMPILE_ERROR):
            self.finished += 1
        elif kind == "navigation":
            current = message.navigation.page_script_hash
            self.page_path = next((p.url_pathname for p in message.navigation.app_pages
                                   if p.page_script_hash == current), None)

    def _until(self, done, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while not done():
            if time.monotonic() > deadline:
                return False
            self.page.wait_for_timeout(20)  # lets Playwright deliver the frames received meanwhile
        return True

    def follow(self, action, *, may_not_run: bool = False, start_within: float = 1.5) -> bool:
        """Do `action` (a click...) and wait for the script run it causes to end, then for the
        page to have drawn it. `may_not_run`: the action may run nothing (a tab that does not
        rerun): wait `start_within` seconds for a run to begin, and none is fine. True when a
        run took place."""
        started, finished = self.started, self.finished
        action()
        if may_not_run and not self._until(lambda: self.started > started or self.finished > finished,
                                           start_within):
            wait_idle(self.page)
            return False
        if not self._until(lambda: self.finished > finished, 90):
            raise AssertionError("the app did not finish its script run within 90 s")
        self.page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))")
        wait_idle(self.page)
        return True


    def go_to(self, app_url: str, path: str) -> None:
        """Open a page of the app by its url path and query ("dsr-case?id=1") without
        reloading the app, as the browser's Back and Forward buttons do (Streamlit follows
        the history): one script run instead of a new session. A reload when the app drew
        another page than the one asked for."""
        wanted = path.split("?", 1)[0]
        self.follow(lambda: self.page.evaluate(
            "path => { history.pushState(null, '', path); dispatchEvent(new PopStateEvent('popstate')); }",
            f"/{path}"))
        if (self.page_path or "") != wanted:
            self.follow(lambda: self.page.goto(f"{app_url}/{path}"))


def script_runs(page) -> ScriptRuns:
    """The ScriptRuns of this page: attach it before the page opens the app (before `login`),
    since it listens to the websocket the app opens."""
    runs = getattr(page, "_dpo_script_runs", None)
    if runs is None:
        runs = ScriptRuns(page)
        page._dpo_script_runs = runs
    return runs


@pytest.fixture
def let_a_minute_pass(app_url, app_clock):
    """A slow person: `let_a_minute_pass(page)` once the run the last keystroke started is over
    sets the served app's clock a minute on, so the next run's "now" is in another clock minute
    than the page's first draw and the typing (a minute later is always another minute), as after
    a real minute's wait, which took 30 s on average (to the next minute) and up to a minute. The
    clock is set back after the test: the tests after it share the app."""

    def set_clock(seconds: float) -> None:
        spare = app_clock.with_suffix(".new")  # replaced whole: the server never reads half a number
        spare.write_text(str(seconds))
        spare.replace(app_clock)

    def let_pass(page) -> None:
        settle(page)
        set_clock(float(app_clock.read_text() or 0) + 60)

    yield let_pass
    set_clock(0)

"""`python -m tests.app_clock SHIFT_FILE run dashboard/server.py ...`: `streamlit run` with the
app's clock set forward by the number of seconds written in SHIFT_FILE (read at each reading of
the clock; no file or an empty one: the real time).

The browser tests of a slow person (a form's default "now" must not move while someone types)
let a minute pass on the served app's clock instead of waiting a real minute. The app reads the
time through `models.types.utcnow` only (tests/test_architecture.py holds it to that), so moving
that function moves every "now" the app computes, the pages' form defaults among them.
"""

import sys
from datetime import timedelta
from pathlib import Path

import models.types  # before any module of the app binds `utcnow` with `from models.types import utcnow`


def shifted_clock(shift_file: Path, real=models.types.utcnow):
    def utcnow():
        try:
            seconds = float(shift_file.read_text() or 0)
        except FileNotFoundError:
            seconds = 0.0
        return real() + timedelta(seconds=seconds)

    return utcnow


if __name__ == "__main__":
    models.types.utcnow = shifted_clock(Path(sys.argv.pop(1)))
    from streamlit.web.cli import main

    sys.argv[0] = "streamlit"
    sys.exit(main())

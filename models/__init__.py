"""SQLModel tables and pure domain rules. Never imports streamlit.

Every table module must be imported before metadata is used (Alembic, tests):
call `load_all()`, which imports each submodule of this package.
"""

import importlib
import pkgutil


def load_all() -> None:
    """Import every module of the package so that SQLModel.metadata holds every table."""
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")

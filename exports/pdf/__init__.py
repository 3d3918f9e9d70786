"""PDF documents built with reportlab; see `base.py` for the shared layout."""

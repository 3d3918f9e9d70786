"""Document generators: domain objects in, bytes out. Never imports streamlit or dashboard.

User-facing text comes in through a `tr(key, **params)` callable (the i18n catalogue
lives in dashboard/), so that every generator speaks French and English.
"""

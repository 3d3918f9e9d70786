"""DPO Desk application layer: database, log-in and roles, use cases, i18n, charts."""

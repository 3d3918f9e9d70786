"""Data-subject requests, end to end: intake and routing, identity and clock
suspension, department work, decision, documents (acknowledgement, extension
notice, destruction certificate), the filtered list and its export.

Modules: common (fetching with permissions, deadlines, audit), intake, routing,
workflow (statuses), work (searches, Art. 19 recipients, erasure lines), queries
(list, export, opening a request), documents, links (processing-activity hub)."""

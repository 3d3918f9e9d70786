"""E-mail notifications (issue 16, "Communication").

- `smtp`: the SMTP settings read from the environment and the sending itself (smtplib);
- `outbox`: enqueueing mails (the use cases, in their own transaction; the worker's claims);
- `compose`: subject and body of each mail: event, case reference and link, no personal data;
- `worker`: the scheduled jobs — reminders from the overview's deadline sources, the weekly
  digest, delivery with retries (run by `manage.py worker`, see dashboard/jobs);
- `preferences`: what each user wants, and in which language;
- `log`: the send log and the failures, for the DPO.

Nothing here imports streamlit.
"""

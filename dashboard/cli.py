"""Command line: `python3.11 manage.py <command>` (see README)."""

import argparse
import getpass
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from dashboard import attachments, audit, config, db, demo, evidence, i18n, organisation, sqlite_files, users
from dashboard.actor import SYSTEM
from dashboard.audit import verify_chain
from models.errors import DomainError
from models.roles import Role


def _engine(*, existing: bool = False):
    """The database, migrated to the code's schema. `existing=True` for the commands that
    read one: a missing database is an error (errors.NoDatabase), never created."""
    if existing:
        db.require_database(config.database_url())
    engine = db.make_engine()
    db.ensure_ready(engine, auto_migrate=config.auto_migrate())  # DPO_AUTO_MIGRATE=0: the app role never migrates
    with db.unit_of_work(engine) as session:
        db.ensure_baseline(session)
    return engine


def _t(key: str, **params) -> str:
    """The command line speaks the catalogue's default language (French), like the app."""
    return i18n.translate(key, i18n.DEFAULT_LANGUAGE, **params)


def _say(key: str, *, error: bool = False, **params) -> None:
    print(_t(key, **params), file=sys.stderr if error else sys.stdout)


def _fail(error: DomainError) -> int:
    message = _t(error.key, **error.params)
    problems = getattr(error, "problems", [])
    for problem in problems:
        message += f"\n  - {problem.field}: {_t(problem.key, **problem.params)}"
    print(message, file=sys.stderr)
    return 2


def cmd_migrate(args) -> int:
    engine = db.make_engine()
    db.ensure_ready(engine, auto_migrate=True)
    _say("cli.schema_at", revision=db.current_revision(engine))
    app_role = config.app_db_role()
    if app_role and engine.dialect.name == "postgresql":  # the new tables' rights, append-only ones included
        from dashboard import pg_roles

        pg_roles.apply(engine, app_role)
        _say("pg_roles.applied", app=app_role, database=engine.url.database)
    return 0


def cmd_pg_roles(args) -> int:
    from dashboard import pg_roles

    url = make_url(config.database_url())
    if url.get_backend_name() != "postgresql":
        _say("pg_roles.postgres_only", error=True)
        return 2
    if args.create_roles:
        for statement in pg_roles.create_roles_sql(args.owner, args.app, args.database or url.database):
            print(statement + ";")
        return 0
    if not args.apply:
        for statement in pg_roles.statements(args.app, args.database or url.database):
            print(statement + ";")
        return 0
    try:
        pg_roles.apply(db.make_engine(), args.app)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    _say("pg_roles.applied", app=args.app, database=url.database)
    return 0


def cmd_seed_demo(args) -> int:
    engine = _engine()
    with db.unit_of_work(engine) as session:
        demo.seed(session)
    _say("cli.demo_logins", password=demo.DEMO_PASSWORD)
    for username, role in demo.DEMO_ACCOUNTS:
        print(f"  {username:<16} {_t(f'role.{role}')}")
    return 0


def cmd_serve(args) -> int:
    _engine()
    # The launcher serves dashboard/app.py and the calendar feed route (dashboard/server.py).
    command = [sys.executable, "-m", "streamlit", "run", str(config.ROOT / "dashboard" / "server.py"),
               "--server.port", str(args.port), "--server.headless", "true",
               "--browser.gatherUsageStats", "false"]
    if getattr(args, "address", None):  # behind nginx: 127.0.0.1 or a private address
        command += ["--server.address", args.address]
    _say("cli.serving", port=args.port)
    return subprocess.call(command, cwd=config.ROOT)


def cmd_demo(args) -> int:
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{config.data_dir() / 'demo.sqlite3'}")
    # The demo personas sign in with the published password alone (like the password rule, the
    # second factor is waived for the demo only); DPO_MFA_REQUIRED_ROLES=dpo,auditor to try it.
    os.environ.setdefault("DPO_MFA_REQUIRED_ROLES", "")
    os.environ.setdefault("DPO_PUBLIC_URL", f"http://localhost:{args.port}")  # the links in the mails
    cmd_seed_demo(args)
    # The background jobs (mails) run beside the server; without DPO_SMTP_HOST they are recorded, not sent.
    worker = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "worker"], cwd=config.ROOT)
    try:
        return cmd_serve(args)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


def cmd_cluster(args) -> int:
    from deploy import cluster

    return cluster.main(args)


def cmd_worker(args) -> int:
    """The background jobs of dashboard/jobs (e-mail reminders and sending), on their schedule;
    `--once`: each job once, then exit."""
    import logging

    from dashboard.jobs import JOBS, runner
    from dashboard.mail import smtp

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # each run's result is logged by the runner
    names = args.job or None
    unknown = sorted(set(names or []) - {job.name for job in JOBS})
    if unknown:
        print(f"unknown job(s): {', '.join(unknown)}; known: {', '.join(j.name for j in JOBS)}", file=sys.stderr)
        return 2
    try:
        smtp.settings_from_env()
    except smtp.MailConfigError as error:
        print(error, file=sys.stderr)
        return 2
    engine = _engine()
    if args.once:
        for name, result in runner.run_once(engine, names).items():
            print(f"{name}: {result}")
        return 0
    runner.run_forever(engine, names)
    return 0


def cmd_create_user(args) -> int:
    password = args.password or getpass.getpass(_t("cli.password_prompt"))
    with db.unit_of_work(_engine()) as session:
        codes = {d.code: d.id for d in organisation.list_departments(session, SYSTEM)}
        unknown = [c for c in args.department or [] if c not in codes]
        if unknown:
            _say("cli.unknown_departments", unknown=", ".join(unknown), known=", ".join(codes), error=True)
            return 2
        row = users.create_user(session, SYSTEM, {
            "username": args.username, "full_name": args.full_name, "email": args.email or "",
            "role": args.role, "password": password,
            "department_ids": [codes[c] for c in args.department or []]})
    _say("cli.user_created", username=row.username, role=_t(f"role.{row.role}"))
    return 0


def cmd_reset_password(args) -> int:
    password = args.password or getpass.getpass(_t("cli.new_password_prompt"))
    with db.unit_of_work(_engine(existing=True)) as session:
        user_id = users.find_user_id(session, args.username)
        if user_id is None:
            _say("cli.unknown_user", username=args.username, error=True)
            return 2
        users.reset_password(session, SYSTEM, user_id, password)
    _say("cli.password_reset", username=args.username)
    return 0


def cmd_verify_audit(args) -> int:
    with db.new_session(_engine(existing=True)) as session:
        if getattr(args, "after_restore", False):  # the restored head is the new anchor: older ones are history
            audit.anchor_restored(session)
            args.full = True
        report = verify_chain(session, full=getattr(args, "full", False))
        session.commit()  # writes the checkpoint of the verified head
    if report.intact:
        _say("audit.chain.intact", checked=report.checked)
        return 0
    _say(report.problem, seq=report.broken_seq, error=True)
    return 1


def _day(moment) -> str:
    return i18n.Translator(i18n.DEFAULT_LANGUAGE).date(moment.date())


def cmd_purge_audit(args) -> int:
    """Dry run unless --yes: what would go, then (with --yes) the purge (dashboard/audit_retention.py)."""
    from dashboard import audit_retention

    try:
        months = audit_retention.retention_months(args.months)
        engine = _engine(existing=True)
        if not args.yes:
            with db.new_session(engine) as session:
                todo = audit_retention.plan(session, months)
            if not todo.count:
                _say("audit.purge.nothing", months=months, cutoff=_day(todo.cutoff))
                return 0
            _say("audit.purge.would_remove", count=todo.count, first=todo.first_seq, last=todo.up_to_seq,
                 months=months, cutoff=_day(todo.cutoff))
            return 0
        done = audit_retention.purge(engine, months)
    except DomainError as error:
        return _fail(error)
    if not done.count:
        _say("audit.purge.nothing", months=months, cutoff=_day(done.cutoff))
    else:
        _say("audit.purge.done", count=done.count, first=done.first_seq, last=done.up_to_seq, months=months)
    return 0


def cmd_purge_personal_data(args) -> int:
    """Dry run unless --yes: the cases whose own retention period ended, then (with --yes)
    their pseudonymisation and the certificate (dashboard/own_retention.py)."""
    from dashboard import own_retention

    engine = _engine(existing=True)
    report = own_retention.run_own_retention(engine, dry_run=not args.yes)
    now = _day(report.now)
    if not report.count:
        _say("own_retention.cli.nothing", now=now)
        return 0
    if report.dry_run:
        _say("own_retention.cli.would", count=report.count, now=now)
        for item in report.due:
            _say("own_retention.cli.line", reference=item.reference, kind=_t(f"own_retention.kind.{item.kind}"),
                 closed=_day(item.closed_at), months=item.months, ended=_day(item.ended_at))
        return 0
    _say("own_retention.cli.done", count=report.count, number=report.certificate_number,
         documents=sum(done.documents_shredded + len(done.extracts_shredded) for done in report.done))
    return 0


def cmd_set_retention(args) -> int:
    """An entity's own retention period for one kind of case (models/own_retention.py)."""
    from sqlmodel import select

    from dashboard import own_retention
    from models.org import Entity

    with db.unit_of_work(_engine(existing=True)) as session:
        entity = session.exec(select(Entity).where(Entity.code == args.entity.upper())).first()
        if entity is None:
            _say("own_retention.unknown_entity", entity=args.entity, error=True)
            return 2
        own_retention.set_period(session, entity.id, args.kind, args.months, by=f"system ({getpass.getuser()})")
    _say("own_retention.cli.period_set", entity=entity.name, kind=_t(f"own_retention.kind.{args.kind}"),
         months=args.months)
    return 0


def cmd_verify_documents(args) -> int:
    with db.new_session(_engine(existing=True)) as session:
        report = evidence.verify_documents(session)
        attached = attachments.verify_attachments(session)
    report.checked += attached.checked
    report.mismatches.extend(attached.mismatches)
    report.shredded += attached.shredded
    if report.intact:
        _say("cli.documents_intact", checked=report.checked)
        if report.shredded:
            _say("own_retention.cli.shredded_intact", count=report.shredded)
        return 0
    _say("cli.documents_altered", count=len(report.mismatches), checked=report.checked, error=True)
    for item in report.mismatches:
        _say("cli.document_mismatch", number=item.number, recorded=item.recorded, actual=item.actual, error=True)
    return 1


def cmd_audit_deps(args) -> int:
    from dashboard import deps_audit

    outcome = deps_audit.run_audit(service=args.service, osv_url=args.osv_url)
    _say(outcome.key, error=outcome.code != deps_audit.OK, **outcome.params)
    for name, version, advisory, fixed in outcome.findings:
        print(f"  {name} {version}: {advisory} (fixed in {fixed})")
    return outcome.code


def _sqlite_path() -> Path:
    url = make_url(config.database_url())
    if url.get_backend_name() != "sqlite":
        raise SystemExit(_t("cli.backup_sqlite_only"))
    return Path(url.database)


def _stamp() -> str:
    return f"{datetime.now():%Y%m%d-%H%M%S}"


def cmd_backup(args) -> int:
    source = _sqlite_path()
    db.require_database(config.database_url())  # never back up (and so create) a database that is not there
    target = Path(args.target or config.data_dir() / f"backup-{_stamp()}.sqlite3")
    sqlite_files.copy_database(source, target)  # consistent even while the app is running; owner only
    _say("cli.backup_written", path=target)
    checkpoints = config.audit_checkpoint_file()
    if checkpoints.exists():  # the trail's anchor travels with the backup (the key does not)
        copy = shutil.copy2(checkpoints, target.with_name(f"{target.name}.audit-checkpoints.log"))
        _say("cli.audit_checkpoints_copied", path=copy)
    return 0


def cmd_restore(args) -> int:
    """Replace the SQLite database by a backup (app stopped). The backup must be a sound
    DPO Desk database; the replaced one is kept; the audit trail and every stored
    document are checked afterwards."""
    source, target = Path(args.source), _sqlite_path()
    problem = sqlite_files.problem_with(source, db.known_revisions())
    if problem is not None:
        key, params = problem
        _say(key, error=True, **params)
        _say("cli.restore_nothing_done", error=True)
        return 2
    if target.is_file() and target.stat().st_size > 0:
        keep = target.with_name(f"{target.stem}.before-restore-{_stamp()}.sqlite3")
        sqlite_files.copy_database(target, keep)
        _say("cli.restore_kept", path=keep)
    sqlite_files.copy_database(source, target)
    _say("cli.restored", path=source)
    args.after_restore = True
    audit_status, documents_status = cmd_verify_audit(args), cmd_verify_documents(args)
    return audit_status or documents_status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description="DPO Desk")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="bring the database to the current schema").set_defaults(func=cmd_migrate)
    p = sub.add_parser("pg-roles", help="PostgreSQL least privilege: print (or --apply as the owner) the GRANTs "
                                        "of the application's role (docs/postgresql.md)")
    p.add_argument("--app", default="dpo_app", help="the role the application connects as")
    p.add_argument("--owner", default="dpo_owner", help="the role that owns the schema and migrates")
    p.add_argument("--database", help="default: the database of DATABASE_URL")
    p.add_argument("--apply", action="store_true", help="run the GRANTs on DATABASE_URL (connected as the owner)")
    p.add_argument("--create-roles", action="store_true", help="print the administrator's CREATE ROLE/DATABASE")
    p.set_defaults(func=cmd_pg_roles)
    sub.add_parser("seed-demo", help="fill the database with the demo organisation").set_defaults(func=cmd_seed_demo)
    for name, func, help_text in (("demo", cmd_demo, "start on the demo database (data/demo.sqlite3)"),
                                  ("serve", cmd_serve, "start on DATABASE_URL, without demo data")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--port", type=int, default=8501)
        p.add_argument("--address", help="listen on this address only (e.g. 127.0.0.1 behind nginx)")
        p.set_defaults(func=func)
    p = sub.add_parser("cluster", help="several app servers behind nginx (sticky sessions, TLS) on DATABASE_URL, "
                                       "on loopback, for local use and tests (deploy/cluster.py)")
    p.add_argument("--servers", type=int, default=2, help="app servers (1 to 8)")
    p.add_argument("--port", type=int, default=8443, help="nginx's HTTPS port")
    p.add_argument("--http-port", type=int, default=8080, help="nginx's HTTP port (redirects to HTTPS)")
    p.add_argument("--first-app-port", type=int, default=8601, help="the app servers' ports start here")
    p.add_argument("--worker", action="store_true", help="also run one background worker")
    p.add_argument("--seed-demo", action="store_true", help="add the demo data first")
    p.add_argument("--print-nginx-config", action="store_true",
                   help="print the nginx configuration it would use, and exit")
    p.set_defaults(func=cmd_cluster)
    p = sub.add_parser("worker", help="run the background jobs (e-mail reminders and sending); "
                                      "`demo` starts one itself")
    p.add_argument("--once", action="store_true", help="run each job once, then exit")
    p.add_argument("--job", action="append", help="only this job (repeatable), e.g. mail.deliver")
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("create-user", help="create an account (the first DPO, for instance)")
    p.add_argument("username")
    p.add_argument("--full-name", required=True)
    p.add_argument("--role", choices=[r.value for r in Role], required=True)
    p.add_argument("--email")
    p.add_argument("--department", action="append", help="department code, repeatable (department heads)")
    p.add_argument("--password", help="prompted when omitted")
    p.set_defaults(func=cmd_create_user)
    p = sub.add_parser("reset-password", help="set a new password and close the user's sessions")
    p.add_argument("username")
    p.add_argument("--password", help="prompted when omitted")
    p.set_defaults(func=cmd_reset_password)
    p = sub.add_parser("verify-audit", help="check the audit trail's hash chain from its last checkpoint")
    p.add_argument("--full", action="store_true", help="the whole chain, and every checkpoint")
    p.add_argument("--after-restore", action="store_true",
                   help="after restoring a backup (pg_restore): anchor its head, then verify the whole chain")
    p.set_defaults(func=cmd_verify_audit)
    p = sub.add_parser("purge-audit", help="remove the audit entries older than the retention period "
                       "(DPO_AUDIT_RETENTION_MONTHS, default 12, minimum 6); a dry run without --yes; "
                       "run it as the database owner")
    p.add_argument("--months", help="months kept (default: DPO_AUDIT_RETENTION_MONTHS)")
    p.add_argument("--yes", action="store_true", help="really remove them (after a signed purge checkpoint)")
    p.set_defaults(func=cmd_purge_audit)
    p = sub.add_parser("purge-personal-data", help="pseudonymise the closed cases whose own retention period "
                       "ended (GDPR Art. 5(1)(e)) and destroy their keys; a dry run without --yes")
    p.add_argument("--yes", action="store_true", help="really do it (and issue the certificate)")
    p.set_defaults(func=cmd_purge_personal_data)
    p = sub.add_parser("set-retention", help="an entity's own retention period (months after closure, 12 to 120) "
                       "for data-subject requests or breaches")
    p.add_argument("entity", help="the entity's code (e.g. MEDICIS)")
    p.add_argument("kind", choices=["dsr", "breach"])
    p.add_argument("months", type=int)
    p.set_defaults(func=cmd_set_retention)
    sub.add_parser("verify-documents", help="check every stored document's bytes against its SHA-256"
                   ).set_defaults(func=cmd_verify_documents)
    p = sub.add_parser("audit-deps", help="check requirements.lock against known vulnerabilities (pip-audit); "
                                          "exit 0 clean, 1 vulnerable, 3 advisory source unreachable")
    p.add_argument("--service", default="osv", choices=["osv", "pypi"])
    p.add_argument("--osv-url", help="another OSV API address (a mirror)")
    p.set_defaults(func=cmd_audit_deps)
    p = sub.add_parser("backup", help="consistent copy of the SQLite database")
    p.add_argument("target", nargs="?")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="replace the SQLite database by a backup (app stopped)")
    p.add_argument("source")
    p.set_defaults(func=cmd_restore)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DomainError as error:
        return _fail(error)


if __name__ == "__main__":
    sys.exit(main())

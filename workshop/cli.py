"""`flask paja …` commands: database upgrade, facilitator accounts, demo data, exports and imports."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from workshop.config import ROOT
from workshop.db import engine, get_db

paja = AppGroup("paja", help="Paja administration.")


def alembic_config():
    from alembic.config import Config
    cfg = Config(str(ROOT / "migrations" / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", current_app.config["DATABASE_URL"].replace("%", "%%"))
    return cfg


def upgrade_database(revision: str = "head") -> None:
    """Bring the database schema to the newest migration (run at every start)."""
    from alembic import command
    _migrate(command.upgrade, revision)


def downgrade_database(revision: str) -> None:
    from alembic import command
    _migrate(command.downgrade, revision)


def _migrate(step, revision: str) -> None:
    """Run migrations on one connection. On SQLite its foreign keys are off meanwhile: a batch
    migration copies a table and drops the old one, and dropping `session` with them on would
    cascade-delete every row that refers to a workshop."""
    cfg = alembic_config()
    with engine().connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # outside a transaction, or SQLite ignores it
            conn.commit()
        with conn.begin():
            cfg.attributes["connection"] = conn
            step(cfg, revision)
        if sqlite:
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()
            if broken:
                raise RuntimeError(f"migration left rows with dangling foreign keys: {broken[:5]}")


@paja.command("upgrade-db")
def upgrade_db_command():
    """Create or upgrade the database schema."""
    upgrade_database()
    click.echo("Database is up to date.")


@paja.command("db-revision")
@click.argument("message")
def db_revision(message):
    """Write a new migration by comparing the models with the database (developers)."""
    from alembic import command
    cfg = alembic_config()
    with engine().begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)


@paja.command("create-facilitator")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_facilitator_command(email, name, password):
    """Create a facilitator account."""
    from workshop.accounts.service import create_facilitator
    if len(password) < 10:
        raise click.BadParameter("at least 10 characters", param_hint="password")
    upgrade_database()
    fac = create_facilitator(get_db(), email, name, password)
    click.echo(f"Facilitator {fac.email} created.")


def public_base_url() -> str:
    """Where phones reach this server: PAJA_BASE_URL, else this computer's LAN address and PAJA_PORT
    (as run.py prints them)."""
    import os
    import socket
    if current_app.config.get("PAJA_BASE_URL"):
        return current_app.config["PAJA_BASE_URL"]
    host = os.environ.get("PAJA_HOST", "0.0.0.0")
    address = host
    if host in ("0.0.0.0", "::"):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks a route, sends nothing
                address = s.getsockname()[0]
        except OSError:
            address = "127.0.0.1"
    return f"http://{address}:{os.environ.get('PAJA_PORT', '5000')}"


@paja.command("demo")
@click.option("--keep-open", is_flag=True, help="Leave the sample evening open (screenshots, projector tests).")
def demo_command(keep_open):
    """(Re)create the demo facilitator's finished sample evening and an empty workshop to run live."""
    from flask import url_for

    from workshop.demo import create_demo
    upgrade_database()
    info = create_demo(get_db(), keep_open=keep_open)
    with current_app.test_request_context(base_url=public_base_url()):
        def url(endpoint, **values):
            return url_for(endpoint, _external=True, **values)
        click.echo(f"Login:         {info['email']} / {info['password']}")
        click.echo(f"               {url('auth.login')}")
        click.echo(f"Sample evening: {info['sample_title']}")
        click.echo(f"  Run sheet:    {url('facilitator.session_page', session_id=info['sample_id'])}")
        click.echo(f"  Results page: {url('results.results_page', token=info['results_token'])}")
        if keep_open:
            click.echo(f"  Projector:    {url('screen.screen', token=info['sample_screen_token'])}")
            click.echo(f"  Sample code:  {info['sample_join_code']}")
        click.echo(f"Demo workshop: {info['title']}")
        click.echo(f"Join code:     {info['join_code']}")
        click.echo(f"  Phones:       {url('phone.join', code=info['join_code'])}")
        click.echo(f"  Run sheet:    {url('facilitator.session_page', session_id=info['session_id'])}")
        click.echo(f"Projector:     {url('screen.screen', token=info['screen_token'])}")


@paja.command("purge")
@click.option("--months", type=click.IntRange(1, 600), required=True, help="Delete sessions older than this.")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
def purge_command(months, dry_run):
    """Delete workshops (and all their data) older than N months."""
    from workshop.results import service as results
    db = get_db()
    old = results.old_sessions(db, months)
    for s in old:
        click.echo(f"{'would delete' if dry_run else 'deleting'} {s.id}: {s.title}")
    if not dry_run:
        results.purge(db, old)
    click.echo(f"{len(old)} workshop(s) {'found' if dry_run else 'deleted'}.")


@paja.command("export")
@click.argument("session_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json", "html"]), default="json",
              show_default=True, help="csv = a zip of CSV files; html = the printable report")
@click.option("--municipality", metavar="CODE", help="only this municipality's share (not for json)")
@click.option("--lang", type=click.Choice(["fi", "sv", "en"]), default="fi", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="file to write; - for standard output")
def export_command(session_id, fmt, municipality, lang, output):
    """Export a workshop for the organiser (README: "JSON export format")."""
    from flask_babel import force_locale

    from workshop.exports import document, writers
    try:
        data = document.load_session(get_db(), session_id)
    except LookupError:
        raise click.ClickException(f"no workshop {session_id}") from None
    if municipality:
        if fmt == "json":
            raise click.BadParameter("a JSON export is always the whole workshop", param_hint="--municipality")
        if municipality not in data["session"]["municipalities"] + ["other"]:
            raise click.BadParameter(f"not a municipality of this workshop: {municipality}",
                                     param_hint="--municipality")
        data = document.for_municipality(data, municipality)
    with force_locale(lang):
        body = writers.render(data, fmt)
    if output == "-":
        click.get_binary_stream("stdout").write(body)
        return
    output = output or writers.filename(data, fmt)
    with open(output, "wb") as fh:
        fh.write(body)
    click.echo(f"Wrote {output} ({len(body):,} bytes).")


@paja.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--facilitator", "email", help="owner's email (default: the only facilitator)")
def import_command(file, email):
    """Import a workshop from a JSON export (new ids, join code and projector link)."""
    from sqlalchemy import select

    from workshop.exports import importer
    from workshop.models import Facilitator
    upgrade_database()
    db = get_db()
    if email:
        owner = db.scalar(select(Facilitator).where(Facilitator.email == email.strip().lower()))
        if owner is None:
            raise click.BadParameter(f"no facilitator {email}", param_hint="--facilitator")
    else:
        owners = db.scalars(select(Facilitator).limit(2)).all()
        if len(owners) != 1:
            raise click.UsageError("give --facilitator EMAIL: whose workshop is this?" if owners
                                   else "create a facilitator first (flask paja create-facilitator)")
        owner = owners[0]
    try:
        session = importer.import_session(db, importer.parse_document(file.read()), owner)
    except importer.SessionImportError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Imported workshop {session.id}: {session.title} (owner {owner.email}).")


def init_app(app: Flask) -> None:
    app.cli.add_command(paja)

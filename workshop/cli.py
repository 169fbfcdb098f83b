"""`flask paja …` commands: database upgrade, facilitator accounts, demo data."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .config import ROOT
from .db import engine, get_db

paja = AppGroup("paja", help="Paja administration.")


def alembic_config():
    from alembic.config import Config
    cfg = Config(str(ROOT / "migrations" / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", current_app.config["DATABASE_URL"].replace("%", "%%"))
    return cfg


def upgrade_database() -> None:
    """Bring the database schema to the newest migration (run at every start)."""
    from alembic import command
    cfg = alembic_config()
    with engine().begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


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
    from .auth import create_facilitator
    if len(password) < 10:
        raise click.BadParameter("at least 10 characters", param_hint="password")
    upgrade_database()
    fac = create_facilitator(get_db(), email, name, password)
    click.echo(f"Facilitator {fac.email} created.")


@paja.command("demo")
def demo_command():
    """Create a demo facilitator and a demo session with realistic content."""
    from .demo import create_demo
    upgrade_database()
    info = create_demo(get_db())
    click.echo(f"Demo workshop: {info['title']}")
    click.echo(f"Join code:     {info['join_code']}")
    click.echo(f"Login:         {info['email']} / {info['password']}")
    click.echo(f"Projector:     /screen/{info['screen_token']}")


def init_app(app: Flask) -> None:
    app.cli.add_command(paja)

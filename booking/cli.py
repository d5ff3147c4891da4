"""The ``booking`` command (a Flask CLI): setup, serve, scheduler, user add, db."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from booking.app import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=True)
def cli() -> None:
    """Etävaraus: remote-service appointment booking."""


@cli.command()
@click.option("--demo", is_flag=True, help="Add demo staff accounts and demo appointments.")
@with_appcontext
def setup(demo: bool) -> None:
    """Create or upgrade the schema and load the region file. Safe to run again."""
    from booking.data.schema import upgrade_schema
    from booking.engine.clock import utc_now
    from booking.region.loader import load_region
    from booking.region.reader import RegionFileError, read_region_file
    from booking.web.database import get_engine, get_session

    region_file = current_app.config["BOOKING_REGION_FILE"]
    try:
        region = read_region_file(region_file)
    except RegionFileError as error:
        raise click.ClickException(str(error)) from error
    upgrade_schema(get_engine())
    session = get_session()
    summary = load_region(session, region)
    session.commit()
    click.echo(f"Region loaded from {region_file}: {summary}")
    if demo:
        from booking.demo.calendar import add_demo_data

        demo_summary = add_demo_data(session, now=utc_now())
        session.commit()
        click.echo(str(demo_summary))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Serve the app with gunicorn (production WSGI server)."""
    from booking.server import run_gunicorn

    run_gunicorn(host=host, port=port, workers=workers)


@cli.command()
@click.option("--once", is_flag=True, help="Run every due job one time and exit.")
def scheduler(once: bool) -> None:
    """Run the scheduler: send messages, remind, purge old personal data, send agendas."""
    from config.settings import settings_from_env
    from scheduler.app import run_scheduler

    run_scheduler(settings_from_env(), once=once)


@cli.group()
def user() -> None:
    """Staff accounts."""


@user.command("add")
@click.option("--role", type=click.Choice(["advisor", "expert", "admin", "council"]), required=True)
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--point", "points", multiple=True, help="Service point id (advisors); repeatable.")
@click.option("--agency", default=None, help="Agency id (experts).")
@click.option("--expert", "expert_key", default=None, help="Expert key of the region file.")
@click.option("--name", default="", help="Display name.")
@with_appcontext
def user_add(role, email, password, points, agency, expert_key, name) -> None:
    """Create a staff account, or update the one with this e-mail."""
    from booking.staff.accounts import StaffAccountError, add_staff_user
    from booking.web.database import get_session

    session = get_session()
    try:
        account = add_staff_user(
            session,
            role=role,
            email=email,
            password=password,
            point_ids=list(points),
            agency_id=agency,
            expert_key=expert_key,
            display_name=name,
        )
    except StaffAccountError as error:
        raise click.ClickException(str(error)) from error
    session.commit()
    click.echo(f"{account.role} {account.email} saved")


@cli.group()
def db() -> None:
    """The database schema: its revisions (Alembic) under booking/data/migrations."""


@db.command("revision")
@click.option("-m", "--message", required=True, help="What the revision changes.")
@click.option(
    "--autogenerate",
    is_flag=True,
    help="Fill it with what the database lacks compared with the models.",
)
@with_appcontext
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new revision file, to review before applying it."""
    from booking.data.schema import new_revision

    path = new_revision(_database_url(), message, autogenerate=autogenerate)
    click.echo(f"Wrote {path}; review it, then apply it with `booking db upgrade`.")


@db.command("current")
@with_appcontext
def db_current() -> None:
    """Show the database's revision ("(head)": the newest there is)."""
    from alembic import command

    from booking.data.schema import alembic_config

    command.current(alembic_config(_database_url()))


@db.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply the revisions the database lacks (as `booking setup` does)."""
    from booking.data.schema import upgrade_schema
    from booking.web.database import get_engine

    upgrade_schema(get_engine())
    click.echo("The schema is at the newest revision.")


@db.command("check")
@with_appcontext
def db_check() -> None:
    """Fail when the models differ from the database: a revision is missing."""
    from alembic import command
    from alembic.util import AutogenerateDiffsDetected

    from booking.data.schema import alembic_config

    try:
        command.check(alembic_config(_database_url()))
    except AutogenerateDiffsDetected as error:
        raise click.ClickException(str(error)) from error


def _database_url() -> str:
    return current_app.config["BOOKING_DATABASE_URL"]


def main() -> None:
    sys.exit(cli())

"""The ``booking`` command (a Flask CLI): setup, serve, scheduler, user add, db, region,
calendar-signal."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from booking.app import create_app


def create_cli_app():
    """The app for a command; a setting that would leave the site open stops it with a message."""
    from config.settings import InsecureSettings

    try:
        return create_app()
    except InsecureSettings as error:
        raise click.ClickException(str(error)) from error


@click.group(cls=FlaskGroup, create_app=create_cli_app, add_default_commands=True)
def cli() -> None:
    """Etävaraus: remote-service appointment booking."""


@cli.command()
@click.option("--demo", is_flag=True, help="Add demo staff accounts and demo appointments.")
@with_appcontext
def setup(demo: bool) -> None:
    """Create or upgrade the schema; load the region file into an empty database.
    Safe to run again: once the region is there, change it with `booking region import`."""
    from sqlalchemy import select

    from booking.data.models import ServicePoint
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
    if session.scalar(select(ServicePoint.id).limit(1)) is None:
        summary = load_region(session, region)
        session.commit()
        click.echo(f"Region loaded from {region_file}: {summary}")
    else:
        session.rollback()
        click.echo("The region is in the database already; `booking region import` changes it.")
    if demo:
        from booking.demo.calendar import add_demo_data

        demo_summary = add_demo_data(session, now=utc_now())
        session.commit()
        click.echo(str(demo_summary))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Threads per worker.")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the app with gunicorn (production WSGI server)."""
    from booking.server import run_gunicorn
    from config.settings import InsecureSettings, check_secret_key, settings_from_env

    try:  # here, not in each worker, so that a bad key stops the server at once
        check_secret_key(settings_from_env()["SECRET_KEY"])
    except InsecureSettings as error:
        raise click.ClickException(str(error)) from error

    run_gunicorn(host=host, port=port, workers=workers, threads=threads)


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
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of a prompt.",
)
@click.option("--point", "points", multiple=True, help="Service point id (advisors); repeatable.")
@click.option("--agency", default=None, help="Agency id (experts).")
@click.option("--expert", "expert_key", default=None, help="Expert key of the region file.")
@click.option("--name", default="", help="Display name.")
@with_appcontext
def user_add(role, email, password_stdin, points, agency, expert_key, name) -> None:
    """Create a staff account, or update the one with this e-mail.

    The password is asked for (or read from standard input), never taken from
    the command line, where other users of the machine and the shell history
    would see it."""
    from booking.staff.accounts import StaffAccountError, add_staff_user
    from booking.web.database import get_session

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
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


@cli.group()
def region() -> None:
    """The region's calendar: export it as a region file, import a changed one."""


@region.command("export")
@click.option("--output", type=click.Path(dir_okay=False), help="Write here, not to stdout.")
@with_appcontext
def region_export(output: str | None) -> None:
    """Write the region as the database holds it, in the region file's format."""
    from booking.region.export import region_snapshot, to_toml
    from booking.web.database import get_session

    session = get_session()
    text = to_toml(region_snapshot(session, _configured_region()))
    session.rollback()
    if output:
        with open(output, "w", encoding="utf-8") as file:
            file.write(text)
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@region.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@with_appcontext
def region_import(file: str, dry_run: bool) -> None:
    """Make the database say what FILE says: print every change and what becomes of
    each booked appointment a change makes impossible, then apply it all at once.
    Exits 2 when FILE is invalid."""
    from booking.engine.clock import utc_now
    from booking.region.changes import region_changes
    from booking.region.consequences import settle_consequences
    from booking.region.export import region_snapshot
    from booking.region.loader import load_region
    from booking.region.reader import RegionFileError, read_region_file
    from booking.web.database import get_session

    try:
        region = read_region_file(file)
    except RegionFileError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    session = get_session()
    before = region_snapshot(session, region)
    load_region(session, region)
    changes = region_changes(before, region_snapshot(session, region))
    fates = settle_consequences(session, now=utc_now(), reason="")
    for line in changes:
        click.echo(line)
    for fate in fates:
        click.echo(f"appointment {fate.describe()}")
    if not changes:
        click.echo("No changes.")
    if dry_run:
        session.rollback()
        click.echo(
            f"Dry run: {len(changes)} changes, {len(fates)} appointments hit; nothing saved."
        )
    else:
        session.commit()
        click.echo(f"Applied: {len(changes)} changes, {len(fates)} appointments hit.")


@cli.group("calendar-signal")
def calendar_signal() -> None:
    """PostgreSQL: let cache hits skip the database while nothing changed, where every
    process writing the database runs on this machine."""


@calendar_signal.command("register")
@click.argument("path", type=click.Path(dir_okay=False, resolve_path=True))
@click.option("--wait", default=30.0, show_default=True, help="Seconds to wait for writers.")
@with_appcontext
def calendar_signal_register(path: str, wait: float) -> None:
    """Register the signal file PATH (made when missing; keep it on this machine's
    disk). From then on a process without that file, on another machine, cannot
    change the calendar: run every web worker, scheduler and command here."""
    from booking.data.signal_registration import register_signal

    _registration_change(lambda session: register_signal(session, path, wait_seconds=wait))


@calendar_signal.command("unregister")
@click.option("--lost", is_flag=True, help="The registered machine is gone for good.")
@click.option("--wait", default=30.0, show_default=True, help="Seconds to wait for writers.")
@with_appcontext
def calendar_signal_unregister(lost: bool, wait: float) -> None:
    """Unregister the signal, on the machine that has its file."""
    from booking.data.signal_registration import unregister_signal

    _registration_change(lambda session: unregister_signal(session, lost=lost, wait_seconds=wait))


@calendar_signal.command("status")
@with_appcontext
def calendar_signal_status() -> None:
    """Say whether a signal is registered, and whether this machine has its file."""
    from booking.data.signal_registration import registration
    from booking.web.database import get_session

    session = get_session()
    current = registration(session)
    session.rollback()
    if not current.registered:
        click.echo("No calendar signal is registered.")
    else:
        here = "has it" if current.reachable else "does NOT have it"
        click.echo(f"Registered: {current.path} (this machine {here}).")


def _registration_change(change) -> None:
    from booking.data.signal_registration import RegistrationRefused
    from booking.web.database import get_session

    try:
        click.echo(change(get_session()))
    except RegistrationRefused as error:
        raise click.ClickException(str(error)) from error


def _configured_region():
    from booking.region.reader import RegionFileError, read_region_file

    try:
        return read_region_file(current_app.config["BOOKING_REGION_FILE"])
    except RegionFileError as error:
        raise click.ClickException(str(error)) from error


def _database_url() -> str:
    return current_app.config["BOOKING_DATABASE_URL"]


def main() -> None:
    sys.exit(cli())

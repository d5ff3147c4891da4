"""``booking user add``: staff accounts from the command line, ready to sign in."""

from __future__ import annotations

from booking.cli import cli
from booking.data.models import StaffUser

PASSWORD = "pitkä-ja-hyvä-salasana"


def test_expert_account_is_linked_to_her_expert_record(app, factory, session):
    world = factory.region()
    runner = app.test_cli_runner()
    result = runner.invoke(
        cli,
        [
            "user",
            "add",
            "--role",
            "expert",
            "--email",
            "anna@kela.example",
            "--password",
            PASSWORD,
            "--expert",
            "kela-anna",
        ],
    )
    assert result.exit_code == 0, result.output
    account = session.query(StaffUser).filter_by(email="anna@kela.example").one()
    session.commit()
    assert account.expert_id == world["expert"].id
    assert account.agency_id == "kela"
    answer = app.test_client().post(
        "/staff/sign-in", data={"email": "anna@kela.example", "password": PASSWORD}
    )
    assert answer.headers["Location"].endswith("/expert/")


def test_advisor_needs_a_point(app, factory):
    factory.point()
    runner = app.test_cli_runner()
    result = runner.invoke(
        cli, ["user", "add", "--role", "advisor", "--email", "a@b.example", "--password", PASSWORD]
    )
    assert result.exit_code != 0
    assert "--point" in result.output


def test_council_account_lands_on_the_figures_and_covers_the_whole_region(app, factory):
    factory.point()
    runner = app.test_cli_runner()
    add = ["user", "add", "--role", "council", "--email", "valtuusto@kunta.example"]
    refused = runner.invoke(cli, [*add, "--password", PASSWORD, "--point", "testila"])
    assert refused.exit_code != 0
    result = runner.invoke(cli, [*add, "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    answer = app.test_client().post(
        "/staff/sign-in", data={"email": "valtuusto@kunta.example", "password": PASSWORD}
    )
    assert answer.headers["Location"].endswith("/figures/")

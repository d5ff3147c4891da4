"""``booking user add``: staff accounts from the command line, ready to sign in.

The password comes from a prompt or standard input, never from the command
line, where the machine's other users and the shell history would see it.
"""

from __future__ import annotations

from booking.cli import cli
from booking.data.models import StaffUser

PASSWORD = "pitkä-ja-hyvä-salasana"
EXPERT_ANNA = ["user", "add", "--role", "expert", "--email", "anna@kela.example"]


def signs_in(app, email: str, password: str) -> bool:
    answer = app.test_client().post("/staff/sign-in", data={"email": email, "password": password})
    return answer.status_code == 302


def test_expert_account_is_linked_to_her_expert_record(app, factory, session):
    world = factory.region()
    runner = app.test_cli_runner()
    result = runner.invoke(
        cli, [*EXPERT_ANNA, "--expert", "kela-anna", "--password-stdin"], input=PASSWORD + "\n"
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


def test_password_is_asked_twice_without_echo(app, factory):
    factory.region()
    result = app.test_cli_runner().invoke(
        cli, [*EXPERT_ANNA, "--expert", "kela-anna"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert signs_in(app, "anna@kela.example", PASSWORD)


def test_password_on_the_command_line_is_refused(app, factory):
    factory.region()
    result = app.test_cli_runner().invoke(
        cli, [*EXPERT_ANNA, "--expert", "kela-anna", "--password", PASSWORD]
    )
    assert result.exit_code != 0
    assert "No such option" in result.output
    assert not signs_in(app, "anna@kela.example", PASSWORD)


def test_advisor_needs_a_point(app, factory):
    factory.point()
    runner = app.test_cli_runner()
    result = runner.invoke(
        cli,
        ["user", "add", "--role", "advisor", "--email", "a@b.example", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code != 0
    assert "--point" in result.output


def test_council_account_lands_on_the_figures_and_covers_the_whole_region(app, factory):
    factory.point()
    runner = app.test_cli_runner()
    add = ["user", "add", "--role", "council", "--email", "valtuusto@kunta.example"]
    refused = runner.invoke(
        cli, [*add, "--password-stdin", "--point", "testila"], input=PASSWORD + "\n"
    )
    assert refused.exit_code != 0
    result = runner.invoke(cli, [*add, "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    answer = app.test_client().post(
        "/staff/sign-in", data={"email": "valtuusto@kunta.example", "password": PASSWORD}
    )
    assert answer.headers["Location"].endswith("/figures/")

"""The commands: create-supervisor and demo."""
from sqlalchemy import func, select

from pwa.extensions import db
from pwa.models import Appointment, EnrolmentCode, Goal, Plan, Role, Staff, Step, Survivor, utcnow


def test_create_supervisor_makes_the_organisation_and_account(app):
    result = app.test_cli_runner().invoke(
        args=["create-supervisor", "--username", "drita", "--first-name", "Drita", "--organisation", "Qendra"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    supervisor = db.session.scalar(select(Staff))
    assert supervisor.role == Role.SUPERVISOR and supervisor.organisation.name == "Qendra"
    assert supervisor.password_hash.startswith("$argon2id$")


def test_create_supervisor_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-supervisor", "--username", "drita", "--first-name", "Drita", "--organisation", "Q"],
        input="short\nshort\n",
    )
    assert result.exit_code != 0 and db.session.scalar(select(func.count(Staff.id))) == 0


def test_demo_fills_an_empty_database_and_prints_how_to_sign_in(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Staff.id))) == 3
    assert db.session.scalar(select(func.count(Survivor.id))) == 3
    assert db.session.scalar(select(func.count(EnrolmentCode.id))) == 3
    assert sorted(db.session.scalars(select(Plan.stage))) == ["crisis", "inclusion", "transition"]
    assert "drita" in result.output and "/enrol#" in result.output and "password" in result.output


def test_demo_sign_in_details_work(app, client):
    output = app.test_cli_runner().invoke(args=["demo"]).output
    password = next(line.split("password ")[1].strip() for line in output.splitlines() if " arta " in line)
    assert client.post("/login", data={"username": "arta", "password": password}).status_code == 302
    link = next(word for word in output.split() if "/enrol#" in word)
    code = link.rsplit("#", 1)[1]
    assert client.post("/enrol", data={"code": code}).status_code == 200


def test_demo_refuses_a_database_with_people(app, people):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0 and "empty" in result.output


def test_demo_plans_have_steps_done_and_a_reached_goal(app):
    app.test_cli_runner().invoke(args=["demo"])
    assert db.session.scalar(select(func.count(Step.id)).where(Step.done_at.is_not(None))) > 0
    assert db.session.scalar(select(func.count(Goal.id)).where(Goal.status == "reached")) >= 1
def test_demo_people_have_upcoming_appointments(app):
    app.test_cli_runner().invoke(args=["demo"])
    appointments = db.session.scalars(select(Appointment)).all()
    assert {a.survivor.nickname for a in appointments} == {"Lulja", "Ylli", "Dielli"}
    assert all(a.starts_at > utcnow() and len(a.reminders) == 2 for a in appointments)


def test_demo_supervisor_signs_in_with_the_printed_authenticator_key(app, client):
    import pyotp

    output = app.test_cli_runner().invoke(args=["demo"]).output
    line = next(line for line in output.splitlines() if " drita " in line)
    password, key = line.split("password ")[1].split(",")[0], line.rsplit(" ", 1)[1]
    assert client.post("/login", data={"username": "drita", "password": password}).headers["Location"] == "/login/code"
    assert client.post("/login/code", data={"code": pyotp.TOTP(key).now()}).headers["Location"] == "/console/"
    # Set up as a supervisor who made her recovery codes: no warning that they are running out.
    assert "rezervë" not in client.get("/console/").get_data(as_text=True)


def test_demo_supervisor_signs_in_with_a_printed_recovery_code(app, client):
    output = app.test_cli_runner().invoke(args=["demo"]).output
    lines = output.splitlines()
    line = next(index for index, line in enumerate(lines) if " drita " in line)
    password = lines[line].split("password ")[1].split(",")[0]
    code = lines[line + 1].split(": ")[1].split(", ")[0]
    assert client.post("/login", data={"username": "drita", "password": password}).headers["Location"] == "/login/code"
    assert client.post("/login/code", data={"code": code}).headers["Location"] == "/console/"

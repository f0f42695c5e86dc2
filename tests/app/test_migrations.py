"""The Alembic migrations build exactly the schema the models describe."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from pwa.cli import migrations
from pwa.extensions import db
from tests.conftest import empty_database


def _fresh_schema(app):
    migrations(app)  # Flask-Migrate is set up on first use, as ``flask db`` does
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def _as_the_other_tests_expect(app):
    """Leave the schema as the other tests expect it: the models' tables, no Alembic version, no rows."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    empty_database(app)


def test_migrations_match_the_models(make_app):
    app = make_app()
    _fresh_schema(app)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
            differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_downgrade_to_nothing_and_back(make_app):
    app = make_app()
    _fresh_schema(app)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "survivor" in inspect(db.engine).get_table_names()
    _as_the_other_tests_expect(app)


def test_the_rota_keeps_whoever_was_switched_on_duty(make_app):
    app = make_app()
    _fresh_schema(app)
    with app.app_context():
        upgrade(revision="3f1a9c2b7d10")
        with db.engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO organisation (id, name, app_name, exit_url, idle_lock_survivor_minutes, idle_lock_staff_minutes, reminder_hours, appointment_retention_days, help_escalate_now_minutes, help_escalate_today_hours, help_escalate_week_days, help_retention_days, created_at) VALUES (1, 'Q', 'Dera', 'https://example.org', 5, 30, '24,2', 30, 30, 4, 2, 90, '2026-01-01 00:00:00')")
            for staff_id, on_duty in ((1, True), (2, False)):
                connection.exec_driver_sql(
                    "INSERT INTO staff (id, organisation_id, username, first_name, role, password_hash, active, away, on_duty, session_token, created_at) "
                    f"VALUES ({staff_id}, 1, 'u{staff_id}', 'U', 'case_manager', 'x', true, false, {'true' if on_duty else 'false'}, 't{staff_id}', '2026-01-01 00:00:00')"
                )
            # Rows that point at staff and organisation must live through the migration.
            connection.exec_driver_sql(
                "INSERT INTO survivor (id, organisation_id, case_manager_id, nickname, failed_pin_attempts, session_token, created_at) "
                "VALUES (1, 1, 1, 'Lulja', 0, 's1', '2026-01-01 00:00:00')"
            )
        upgrade()
        with db.engine.connect() as connection:
            shifts = connection.exec_driver_sql("SELECT staff_id, weekday, starts_minute, ends_minute FROM duty_shift ORDER BY weekday").all()
        assert [tuple(s) for s in shifts] == [(1, day, 0, 1440) for day in range(7)]
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT case_manager_id FROM survivor").scalars().all() == [1]
        downgrade(revision="3f1a9c2b7d10")
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT id FROM staff WHERE on_duty = true").scalars().all() == [1]
        upgrade()  # leave the schema as the other tests expect it
    _as_the_other_tests_expect(app)


def test_every_migration_runs_up_down_and_up_again(make_app):
    """The stairway: each revision in turn is applied, undone and applied again (PostgreSQL in the second run)."""
    from alembic.script import ScriptDirectory

    app = make_app()
    _fresh_schema(app)
    revisions = [script.revision for script in reversed(list(ScriptDirectory(app.config["MIGRATIONS_DIRECTORY"]).walk_revisions()))]
    with app.app_context():
        for revision in revisions:
            upgrade(revision=revision)
            downgrade(revision="-1")
            upgrade(revision=revision)
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == revisions[-1]
    _as_the_other_tests_expect(app)


QUEUES = ("push_message", "appointment_reminder")


def _fillfactors(app) -> dict[str, list]:
    with app.app_context(), db.engine.connect() as connection:
        return {table: connection.exec_driver_sql("SELECT reloptions FROM pg_class WHERE relname = %(table)s", {"table": table}).scalar()
                for table in QUEUES}


def test_the_queues_keep_room_on_each_page_for_their_claims(make_app):
    """On PostgreSQL the two queues the workers claim from are filled to half a page, by the migrations and by the models,
    so a claim rewrites its rows in place (no new index entries); SQLite has no such setting."""
    app = make_app()
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a PostgreSQL storage setting (run with DERA_TEST_DATABASE_URL)")
    expected = {table: ["fillfactor=50"] for table in QUEUES}
    assert _fillfactors(app) == expected  # the tables the tests use, made from the models
    _fresh_schema(app)
    with app.app_context():
        upgrade()
        assert _fillfactors(app) == expected
        downgrade(revision="5a7c9e1b3d20")  # the revision before the setting
        assert _fillfactors(app) == {table: None for table in QUEUES}
        upgrade()
    _as_the_other_tests_expect(app)

"""The Alembic migrations build exactly the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from pwa.extensions import db
from tests.conftest import empty_database


def _fresh_schema(app):
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


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
        # Leave the schema as the other tests expect it.
        db.session.remove()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    empty_database(app)


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
        db.session.remove()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    empty_database(app)

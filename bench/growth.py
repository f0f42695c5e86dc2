"""Lists that must not grow with the organisation: queries and time at 30, 300 and 3,000 people.

``python -m bench.growth`` (or ``make bench-growth``) builds an organisation of each size on a
scratch database (SQLite, or a new database on the PostgreSQL server named by ``DATABASE_URL``),
opens the supervisor's and a case manager's lists, and a plan with 1, 50 and 150 check-ins, and
prints for each the SQL statements one request runs and its median time, with the time as a ratio
to the smallest size measured in the same run. Flat is the goal: the same queries, and a time
within 20 % of the smallest.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import date, timedelta

from .serve import scratch_database, unwind_on_sigterm

SIZES = (30, 300, 3000)
CHECK_INS = (1, 50, 150)
ROUNDS = 11
# Every list that grows with the organisation: (label, who opens it, address).
LISTS = (
    ("Caseload (supervisor)", "drita", "/console/"),
    ("Inbox (supervisor)", "drita", "/console/inbox"),
    ("Caseload (case manager)", "arta", "/console/"),
    ("Inbox (case manager)", "arta", "/console/inbox"),
    ("Closed cases", "drita", "/console/?closed=1"),
    ("Duty queue", "drita", "/console/duty"),
    ("Audit log", "drita", "/console/audit/"),
    ("Staff", "drita", "/console/staff"),
    ("Duty rota", "drita", "/console/rota/"),
    ("Directory editor", "drita", "/console/services/"),
    ("Reported as wrong", "drita", "/console/services/reports"),
    ("Figures", "drita", "/console/figures/"),
)


def _app(database_url: str, instance: str):
    os.environ["DERA_INSTANCE_PATH"] = instance
    from pwa import create_app
    from pwa.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.create_all()
        app.test_cli_runner().invoke(args=["demo"])
    return app


def _grow(app, people: int) -> None:
    """Grow the organisation to ``people``, with what grows beside them.

    People are spread over the two demo case managers, each with eight monthly check-ins and two
    appointments, and a third ask for help (one in five of those requests waits in the duty
    queue); one in ten has a closed case; every person has an opening in the case history and
    ten audit events; for every 15 people there is one more case manager, with a weekly shift
    and an exception; for every 10 people one more service in the directory, a third of them
    reported as wrong.
    """
    from sqlalchemy import func, select

    from pwa.extensions import db
    from pwa.models import (
        Appointment, AuditEvent, CaseEvent, CheckIn, DirectoryLocation, DirectoryOrganization, DirectoryService, DirectoryServiceAtLocation,
        DirectoryServiceCategory, DirectoryServiceReport, DutyException, DutyShift, HelpRequest, Plan, Role, Staff, Survivor, utcnow,
    )

    with app.app_context():
        now = utcnow()
        managers = db.session.scalars(select(Staff).where(Staff.username.in_(["arta", "besnik"])).order_by(Staff.id)).all()
        organisation_id = managers[0].organisation_id
        have = db.session.scalar(select(func.count(Survivor.id)))
        for n in range(have, people):
            closed = n % 10 == 9
            survivor = Survivor(
                organisation_id=organisation_id, case_manager_id=managers[n % 2].id, nickname=f"Person {n}", created_at=now - timedelta(days=n % 400),
                closed_at=now - timedelta(days=n % 30) if closed else None, closure_reason="goals_reached" if closed else None,
            )
            db.session.add(survivor)
            db.session.flush()
            plan = Plan(survivor_id=survivor.id, stage=("crisis", "transition", "inclusion")[n % 3], created_at=now)
            db.session.add(plan)
            db.session.flush()
            db.session.add_all(CheckIn(plan_id=plan.id, held_on=now.date() - timedelta(days=30 * k + n % 30), staff_id=managers[n % 2].id) for k in range(8))
            db.session.add_all(
                Appointment(survivor_id=survivor.id, starts_at=now + timedelta(days=days, hours=n % 8), title="Takim", place="Zyra", created_by_id=managers[n % 2].id)
                for days in (-20, 3 + n % 20)
            )
            db.session.add(CaseEvent(organisation_id=organisation_id, survivor_id=survivor.id, kind="opened", at=survivor.created_at, stage="crisis"))
            db.session.add_all(
                AuditEvent(staff_id=managers[n % 2].id, survivor_id=survivor.id, action="view", at=now - timedelta(hours=n * 10 + k)) for k in range(10)
            )
            if n % 3 == 0 and not closed:
                # One in five of them went to the duty queue unseen.
                escalated = n % 5 == 0
                db.session.add(HelpRequest(
                    survivor_id=survivor.id, idempotency_key=str(uuid.uuid4()), setback="health", urgency=("now", "today", "week")[n % 3],
                    contact="call", status="sent", created_at=now - timedelta(minutes=n), escalate_at=now + timedelta(days=7),
                    assigned_to_id=None if escalated else managers[n % 2].id, escalated_at=now if escalated else None,
                ))
        staff = db.session.scalar(select(func.count(Staff.id)).where(Staff.organisation_id == organisation_id))
        for n in range(staff, 3 + people // 15):
            colleague = Staff(
                organisation_id=organisation_id, username=f"colleague{n}", first_name=f"Colleague {n}", role=Role.CASE_MANAGER,
                password_hash="not-a-password", active=n % 7 != 0,
            )
            db.session.add(colleague)
            db.session.flush()
            db.session.add(DutyShift(organisation_id=organisation_id, staff_id=colleague.id, weekday=n % 7, starts_minute=480, ends_minute=960))
            db.session.add(DutyException(organisation_id=organisation_id, staff_id=colleague.id, on_date=now.date() + timedelta(days=1 + n % 60)))
        services = db.session.scalar(select(func.count(DirectoryService.id)))
        for n in range(services, people // 10):
            provider = DirectoryOrganization(id=str(uuid.uuid4()), name=f"Provider {n}")
            service = DirectoryService(id=str(uuid.uuid4()), organization=provider, name=f"Service {n}", status="active", keeper_id=organisation_id if n % 2 else None)
            service.categories = [DirectoryServiceCategory(area="legal")]
            place = DirectoryLocation(id=str(uuid.uuid4()), city=("Tiranë", "Durrës", "Shkodër")[n % 3])
            service.service_at_locations = [DirectoryServiceAtLocation(id=str(uuid.uuid4()), location=place)]
            db.session.add(service)
            if n % 3 == 0:
                db.session.flush()
                db.session.add(DirectoryServiceReport(service_id=service.id, kind="phone", reported_on=now.date() - timedelta(days=n % 90)))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # As autovacuum would soon after: without statistics of the grown tables, PostgreSQL plans for empty ones.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE")


def _check_ins(app, count: int) -> int:
    """Give the first demo person's plan ``count`` check-ins; her survivor id."""
    from sqlalchemy import delete, select

    from pwa.extensions import db
    from pwa.models import CheckIn, Plan, Staff, Survivor, utcnow

    with app.app_context():
        lulja = db.session.scalar(select(Survivor).where(Survivor.nickname == "Lulja"))
        plan = db.session.scalar(select(Plan).where(Plan.survivor_id == lulja.id))
        arta = db.session.scalar(select(Staff).where(Staff.username == "arta"))
        db.session.execute(delete(CheckIn).where(CheckIn.plan_id == plan.id))
        for n in range(count):
            db.session.add(CheckIn(plan_id=plan.id, held_on=date(2026, 1, 1) + timedelta(days=n), note=f"Check-in {n}", staff_id=arta.id, created_at=utcnow()))
        db.session.commit()
        return lulja.id


def _signed_in(app, username: str | None = None, survivor_id: int | None = None):
    from sqlalchemy import select

    from pwa.extensions import db
    from pwa.models import Staff, Survivor

    client = app.test_client()
    with app.app_context():
        person = db.session.get(Survivor, survivor_id) if survivor_id else db.session.scalar(select(Staff).where(Staff.username == username))
        session_id = person.get_id()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"], session["seen"] = session_id, True, time.time()
    return client


def measure(app, client, path: str) -> tuple[int, float, float, float]:
    """SQL statements of one request, and the median time of ``ROUNDS`` more (ms): on the clock, on this
    process's CPU, and on the clock again with the page rendered afresh each time.

    The counted request comes first and is not timed: it also compiles the page's templates. On a
    shared machine the CPU time is the steadier figure; with SQLite it holds the database's work too.
    A page opened again is sent kept from memory while nothing it shows changes (``pwa/kept_pages.py``);
    the last figure is what the first visit after a change costs.
    """
    from sqlalchemy import event

    from pwa.extensions import db

    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}")
    times, cpu = [], []
    for _n in range(ROUNDS):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    rendered = []
    for _n in range(ROUNDS):
        app.extensions.pop("dera_kept_pages", None)
        started = time.perf_counter()
        client.get(path)
        rendered.append((time.perf_counter() - started) * 1000)
    return len(statements), statistics.median(times), statistics.median(cpu), statistics.median(rendered)


_HEADER = f"{'median ms':>10} {'÷ smallest':>11} {'CPU ms':>7} {'÷ smallest':>11} {'rendered ms':>12} {'÷ smallest':>11}"


def _line(label: str, size: int, measured: tuple, smallest: tuple) -> str:
    queries, ms, cpu, rendered = measured
    return (f"{label:26} {size:7} {queries:8} {ms:10.1f} {ms / smallest[1]:11.2f} {cpu:7.1f} {cpu / smallest[2]:11.2f}"
            f" {rendered:12.1f} {rendered / smallest[3]:11.2f}")


def run(database_url: str | None, sizes=SIZES, check_ins=CHECK_INS, say=print) -> dict:
    results = {}
    with scratch_database(database_url) as (url, instance):
        app = _app(url, instance)
        lists = LISTS
        say(f"{'list':26} {'people':>7} {'queries':>8} {_HEADER}")
        for size in sizes:
            _grow(app, size)
            for label, who, path in lists:
                results[(label, size)] = measure(app, _signed_in(app, who), path)
                say(_line(label, size, results[(label, size)], results[(label, sizes[0])]))
        say(f"\n{'plan':26} {'check-ins':>7} {'queries':>8} {_HEADER}")
        for count in check_ins:
            survivor_id = _check_ins(app, count)
            for label, client, path in [("My plan (her phone)", _signed_in(app, survivor_id=survivor_id), "/plan"),
                                        ("Plan editor (staff)", _signed_in(app, "arta"), f"/console/people/{survivor_id}/plan")]:
                results[(label, count)] = measure(app, client, path)
                say(_line(label, count, results[(label, count)], results[(label, check_ins[0])]))
        with app.app_context():
            from pwa.extensions import db

            db.engine.dispose()
    return results


def main(argv: list[str]) -> int:
    unwind_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="organisation sizes (people)")
    parser.add_argument("--quick", action="store_true", help="a short run (5 and 10 people, 1 and 3 check-ins) to check that it works")
    args = parser.parse_args(argv)
    if args.quick:
        run(os.environ.get("DATABASE_URL"), (5, 10), (1, 3))
        return 0
    run(os.environ.get("DATABASE_URL"), tuple(int(s) for s in args.sizes.split(",")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

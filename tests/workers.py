"""Work done by several workers at once, as several worker processes would do it."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor


def at_once(app, work, workers: int = 2, stagger: float = 0.0) -> list:
    """Run ``work()`` in ``workers`` threads at once, each in an app context of its own (so a session
    and connection of its own), ``stagger`` seconds apart; what each returned. An error in one is raised here."""

    def run():
        with app.app_context():
            return work()

    with ThreadPoolExecutor(workers) as pool:
        started = []
        for _ in range(workers):
            started.append(pool.submit(run))
            time.sleep(stagger)
        return [future.result() for future in started]

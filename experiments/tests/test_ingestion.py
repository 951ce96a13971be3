"""The ingestion reconciliation against a database seeded with a known loss and a double count:
ingestion-service's own schema (its Flyway migrations), the experiment's window of minutes."""

from datetime import datetime, timedelta, timezone

import psycopg2

from sandboxlab import ingestion, sandbox

MIGRATIONS = sorted((sandbox.ROOT / "ingestion-service/src/main/resources/db/migration").glob("V*.sql"))
START = datetime(2001, 3, 4, 5, 6, tzinfo=timezone.utc)
END = START + timedelta(minutes=20)


def seed(dsn, events, counts):
    """events: (id, type, minutes after START); counts: (type, minutes after START, count)."""
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        for migration in MIGRATIONS:
            cursor.execute(migration.read_text())
        for event_id, kind, minute in events:
            cursor.execute("INSERT INTO events (id, type, source, ts, payload) VALUES (%s, %s, 's', %s, '{}')",
                           (event_id, kind, START + timedelta(minutes=minute, seconds=5)))
        for kind, minute, count in counts:
            cursor.execute("INSERT INTO event_counts (type, minute, count) VALUES (%s, %s, %s)",
                           (kind, START + timedelta(minutes=minute), count))


def test_counts_the_lost_event_and_the_double_count_and_nothing_else(database):
    seed(database,
         events=[("a", "click", 0), ("b", "click", 0), ("c", "view", 1),
                 ("old", "view", -60)],  # outside the window: not this experiment's
         counts=[("click", 0, 2), ("view", 1, 3),  # view at minute 1: counted 3 times, stored once
                 ("view", -60, 9)])

    counts = ingestion.reconcile(database, {"a", "b", "c", "d"}, START, END, settle=3, quiet=1, poll=0.2)

    assert counts == {"accepted": 4, "stored": 3, "lost": 1, "counted_twice": 2}


def test_everything_stored_once_counts_nothing(database):
    seed(database, events=[("a", "click", 0), ("b", "buy", 2)], counts=[("click", 0, 1), ("buy", 2, 1)])

    counts = ingestion.reconcile(database, {"a", "b"}, START, END, settle=3, quiet=1, poll=0.2)

    assert counts == {"accepted": 2, "stored": 2, "lost": 0, "counted_twice": 0}

"""The orders reconciliation against stores seeded with known losses and duplicates: a checker
that cannot fail fails here. The database has order-service's own schema (its Flyway migrations);
the topic is written the way the processor writes payments.v1, transactions included."""

import time
import uuid

import psycopg2
from confluent_kafka import Producer

from sandboxlab import orders, sandbox

MIGRATIONS = sorted((sandbox.ROOT / "order-service/src/main/resources/db/migration").glob("V*.sql"))


def seed(dsn, rows):
    """rows: (status, ledger entries, created seconds ago); returns the ids, in order."""
    ids = []
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        for migration in MIGRATIONS:
            cursor.execute(migration.read_text())
        for status, charges, age in rows:
            order = str(uuid.uuid4())
            cursor.execute("INSERT INTO orders (id, customer_id, currency, total, status, idempotency_key, request_hash, created_at) "
                           "VALUES (%s, 'c', 'EUR', 2, %s, %s, 'h', now() - make_interval(secs => %s))",
                           (order, status, order, age))
            for offset in range(charges):
                cursor.execute("INSERT INTO payment_ledger (order_id, amount, currency, outcome, source_partition, source_offset) "
                               "VALUES (%s, 2, 'EUR', 'PAID', 0, %s)", (order, offset))
            ids.append(order)
    return ids


def publish(bootstrap, topic, committed, aborted=()):
    """Each key of ``committed`` in a committed transaction, each of ``aborted`` in an aborted one."""
    producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": topic})
    producer.init_transactions(30)
    for keys, commit in ((committed, True), (aborted, False)):
        producer.begin_transaction()
        for key in keys:
            producer.produce(topic, key=key, value=b'{"status":"PAID"}')
        producer.flush(30)
        if commit:
            producer.commit_transaction(30)
        else:
            producer.abort_transaction(30)


def test_counts_each_kind_of_defect_once_and_nothing_else(database, topic, servers):
    clean, lost, double_charged, duplicated, aborted_twice, missing, before = seed(database, [
        ("PAID", 1, 0), ("PENDING", 0, 0), ("PAID", 2, 0), ("PAID", 1, 0), ("REJECTED", 1, 0), ("PAID", 1, 0),
        # Placed before the experiment began, with every defect: outside the window, not counted.
        ("PENDING", 2, 3600)])
    publish(servers["kafka"], topic,
            committed=[clean, double_charged, duplicated, duplicated, aborted_twice, before, before],
            aborted=[aborted_twice, clean])

    counts = orders.reconcile(database, servers["kafka"], topic, since=time.time() - 600, settle=3, quiet=1, poll=0.2)

    assert counts == {"orders": 6, "settled": 5, "lost": 1, "double_charged": 1, "duplicate_events": 1,
                      "missing_events": 1}


def test_a_clean_run_counts_nothing(database, topic, servers):
    ids = seed(database, [("PAID", 1, 0), ("REJECTED", 1, 0)])
    publish(servers["kafka"], topic, committed=ids)

    counts = orders.reconcile(database, servers["kafka"], topic, since=time.time() - 600, settle=3, quiet=1, poll=0.2)

    assert counts == {"orders": 2, "settled": 2, "lost": 0, "double_charged": 0, "duplicate_events": 0,
                      "missing_events": 0}


def test_waits_for_the_pipeline_to_settle_before_counting(database, topic, servers):
    (order,) = seed(database, [("PENDING", 0, 0)])
    publish(servers["kafka"], topic, committed=[order])

    def settle_later():
        time.sleep(2)
        with psycopg2.connect(database) as connection, connection.cursor() as cursor:
            cursor.execute("UPDATE orders SET status = 'PAID' WHERE id = %s", (order,))
            cursor.execute("INSERT INTO payment_ledger (order_id, amount, currency, outcome, source_partition, source_offset) "
                           "VALUES (%s, 2, 'EUR', 'PAID', 0, 0)", (order,))

    import threading
    threading.Thread(target=settle_later).start()
    counts = orders.reconcile(database, servers["kafka"], topic, since=time.time() - 600, settle=30, quiet=10, poll=0.2)

    assert counts["lost"] == 0 and counts["settled"] == 1

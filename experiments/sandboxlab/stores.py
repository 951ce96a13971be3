"""Reading the real stores the way the services' own tests do: SQL, and Kafka as a read_committed consumer sees it."""

import time
import uuid
from collections import Counter

import psycopg2
from confluent_kafka import Consumer, TopicPartition


def query(dsn: str, sql: str, parameters=()) -> list:
    with psycopg2.connect(dsn, connect_timeout=10) as connection, connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        return cursor.fetchall()


def count(dsn: str, sql: str, parameters=()) -> int:
    return int(query(dsn, sql, parameters)[0][0])


def committed_keys(bootstrap: str, topic: str, timeout: float = 60) -> Counter:
    """How many records of each key a read_committed consumer sees on ``topic``, from the start to its end.

    Aborted transactions' records are never seen; a record is counted once however often it was
    fetched. Reads until every partition's position reaches the end it had when the read began.
    """
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"sandboxlab-{uuid.uuid4()}",  # never committed: assign(), not subscribe()
        "isolation.level": "read_committed",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
    })
    try:
        metadata = consumer.list_topics(topic, timeout=30).topics.get(topic)
        if metadata is None or metadata.error is not None or not metadata.partitions:
            return Counter()
        partitions = [TopicPartition(topic, p, 0) for p in metadata.partitions]
        # read_committed stops at the last stable offset: ends are what it will reach once open transactions end.
        ends = {tp.partition: consumer.get_watermark_offsets(tp, timeout=30)[1] for tp in partitions}
        pending = {p for p, end in ends.items() if end > 0}
        consumer.assign(partitions)
        keys = Counter()
        deadline = time.monotonic() + timeout
        while pending:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic}: partitions {sorted(pending)} not read to their end in {timeout} s")
            for message in consumer.consume(500, 1.0):
                if message.error() is None:
                    keys[message.key().decode() if message.key() else None] += 1
            for tp in consumer.position([TopicPartition(topic, p) for p in pending]):
                if tp.offset >= ends[tp.partition]:
                    pending.discard(tp.partition)
        return keys
    finally:
        consumer.close()

"""Fixtures: scratch stores on the running sandbox's own servers (a database and topics of the test's own)."""

import uuid

import psycopg2
import pytest
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient

from sandboxlab import sandbox


@pytest.fixture(scope="session")
def servers():
    """The running sandbox's PostgreSQL (a connection string without a database) and Kafka."""
    dsn = sandbox.postgres_dsn("order-service")
    return {"postgres": " ".join(part for part in dsn.split() if not part.startswith("dbname=")),
            "kafka": sandbox.kafka_bootstrap("order-service")}


@pytest.fixture
def database(servers):
    """A fresh database, dropped afterwards; yields its connection string."""
    name = "sandboxlab_" + uuid.uuid4().hex[:12]
    admin = psycopg2.connect(servers["postgres"] + " dbname=postgres")
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    try:
        yield f"{servers['postgres']} dbname={name}"
    finally:
        admin.cursor().execute(f"DROP DATABASE {name} WITH (FORCE)")
        admin.close()


@pytest.fixture
def topic(servers):
    """A topic name of the test's own; the topic is deleted afterwards."""
    name = "sandboxlab-" + uuid.uuid4().hex[:12]
    yield name
    for future in AdminClient({"bootstrap.servers": servers["kafka"]}).delete_topics([name]).values():
        try:
            future.result(30)
        except KafkaException:
            pass  # never created: nothing to delete

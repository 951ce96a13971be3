-- The sink's tables. Every write of a batch happens in one transaction: the events, the per-minute
-- counts, the dead letters, the counters and the offsets move together or not at all.

-- One row per distinct event id: the first copy wins, later copies are dropped.
CREATE TABLE events (
    id        text PRIMARY KEY,
    type      text        NOT NULL,
    source    text        NOT NULL,
    ts        timestamptz NOT NULL,
    payload   jsonb       NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now()
);

-- Events per type per minute (of their ts), kept up to date with the inserts: a redelivered
-- record adds nothing, since only inserted rows are counted.
CREATE TABLE event_counts (
    type   text        NOT NULL,
    minute timestamptz NOT NULL,
    count  bigint      NOT NULL,
    PRIMARY KEY (type, minute)
);

-- How far the sink has written each partition. Kafka's committed offsets trail this after a crash
-- (the database commits first); a record below it is a redelivery, not a client's duplicate.
CREATE TABLE sink_offsets (
    topic       text   NOT NULL,
    partition   int    NOT NULL,
    next_offset bigint NOT NULL,
    PRIMARY KEY (topic, partition)
);

CREATE TABLE sink_counters (
    name  text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO sink_counters (name, value) VALUES ('duplicates_dropped', 0), ('redelivered', 0);

-- Records sent to the dead-letter topic, once each, whatever the redeliveries.
CREATE TABLE dead_letters (
    topic            text        NOT NULL,
    partition        int         NOT NULL,
    "offset"         bigint      NOT NULL,
    event_id         text,
    reason           text        NOT NULL,
    dead_lettered_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition, "offset")
);

-- Orders, written by the API. The idempotency key is unique here too: Redis answers retries
-- fast, this constraint is what holds when Redis has forgotten a key (expiry, restart, a crash
-- between the insert and the Redis write).
CREATE TABLE orders (
    id              uuid PRIMARY KEY,
    seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE, -- insertion order, for cursors
    customer_id     text        NOT NULL,
    currency        char(3)     NOT NULL,
    total           numeric(19, 4) NOT NULL,
    status          text        NOT NULL CHECK (status IN ('PENDING', 'PAID', 'REJECTED')),
    idempotency_key text        NOT NULL UNIQUE,
    request_hash    text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX orders_by_customer ON orders (customer_id, seq);

CREATE TABLE order_items (
    order_id   uuid    NOT NULL REFERENCES orders (id),
    line       int     NOT NULL,
    sku        text    NOT NULL,
    quantity   int     NOT NULL CHECK (quantity > 0),
    unit_price numeric(19, 4) NOT NULL CHECK (unit_price > 0),
    PRIMARY KEY (order_id, line)
);

-- The transactional outbox: an event is a row written in the transaction that changes the order,
-- so both happen or neither does. The relay publishes rows to Kafka and deletes them; what is
-- here is what Kafka has not acknowledged yet.
CREATE TABLE outbox (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    aggregate_id  uuid        NOT NULL,
    topic         text        NOT NULL,
    payload       text        NOT NULL,
    trace_context text,       -- W3C traceparent of the request, so the trace continues in the relay
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- The payment ledger, written by the processor: one row per charge decision. charge_key is the
-- side effect's idempotency key (the order id); with dedupe off it is left null, and nulls never
-- collide, so nothing stops a second charge. source_partition/offset name the orders.v1 record
-- that made the charge: seeing that record again means the transaction that would have published
-- the result was aborted.
CREATE TABLE payment_ledger (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id         uuid        NOT NULL,
    charge_key       text        UNIQUE,
    amount           numeric(19, 4) NOT NULL,
    currency         char(3)     NOT NULL,
    outcome          text        NOT NULL CHECK (outcome IN ('PAID', 'REJECTED')),
    source_partition int         NOT NULL,
    source_offset    bigint      NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX payment_ledger_by_order ON payment_ledger (order_id);

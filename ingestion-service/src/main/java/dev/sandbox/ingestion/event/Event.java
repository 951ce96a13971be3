package dev.sandbox.ingestion.event;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One event, as a client sends it and as it travels on {@code events.v1}. {@code id} is the
 * client's own: the sink keeps the first copy of each id and drops the others, so a client may
 * resend anything it is unsure about. {@code source} is the Kafka key: one source's events keep
 * their order.
 */
public record Event(String id, String type, String source, Instant ts, ObjectNode payload) {
}

package dev.sandbox.ingestion.intake;

import java.util.List;

import dev.sandbox.ingestion.event.RecordError;

/**
 * The answer to an upload. {@code accepted} records are in Kafka (with {@code ack=after-broker});
 * {@code rejected} ones were bad and are listed in {@code errors} (the first few), by line or row.
 */
public record IntakeResult(long accepted, long rejected, List<RecordError> errors) {
}

package dev.sandbox.ingestion.stats;

import java.time.Instant;

/** Events of one type whose {@code ts} falls in one minute (UTC). */
public record MinuteCount(String type, Instant minute, long count) {
}

package dev.sandbox.ingestion.parse;

import java.io.IOException;

import dev.sandbox.ingestion.event.RecordError;

/**
 * Reads an upload one record at a time, holding at most one record in memory: the body is never
 * read whole. A record that cannot be read is returned with its error and the reader moves on to
 * the next one; when the rest of the body cannot be read at all, {@link #next()} throws
 * {@link UnreadableBodyException}.
 */
public interface RecordReader {

    /** The next record, or null at the end of the body. */
    ParsedRecord next() throws IOException;

    /** How this format counts records in errors: lines, or CSV rows. */
    RecordError.Unit unit();
}

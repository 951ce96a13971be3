package dev.sandbox.ingestion.parse;

import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;

/** The upload formats {@code POST /events} reads, by content type. */
public enum BodyFormat {
    JSON("application/json"),
    NDJSON("application/x-ndjson"),
    CSV("text/csv");

    private final String mediaType;

    BodyFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The format of a {@code Content-Type} header value, parameters ({@code charset=utf-8}) aside. */
    public static Optional<BodyFormat> of(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        var bare = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (var format : values()) {
            if (format.mediaType.equals(bare)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    /** A reader of {@code body} in this format; no record may exceed {@code maxRecordBytes}. */
    public RecordReader reader(InputStream body, int maxRecordBytes) {
        return switch (this) {
            case JSON -> new JsonArrayReader(body, maxRecordBytes);
            case NDJSON -> new NdjsonReader(body, maxRecordBytes);
            case CSV -> new CsvReader(body, maxRecordBytes);
        };
    }
}

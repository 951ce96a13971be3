package dev.sandbox.ingestion.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * How the service reads JSON, at the door and from Kafka alike, so that what is read is what was
 * sent:
 * <ul>
 * <li>numbers keep every digit: decimals are read as {@code BigDecimal} (never through a double,
 * which would store {@code 0.1000000000000000055511151231257827} as {@code 0.1} and {@code 1e400}
 * as Infinity) and are not normalised ({@code 1.50} stays {@code 1.50});</li>
 * <li>an object with the same key twice is refused: which value was meant is ambiguous, and keeping
 * one silently would alter the record;</li>
 * <li>a record is one JSON value: {@code {"id":"a"} garbage} on an NDJSON line is refused, not read
 * as its first half;</li>
 * <li>strings are capped at one record's size: a 10 MB value fails fast, it is not buffered.</li>
 * </ul>
 */
public final class ExactJson {

    private static final ObjectMapper UNCAPPED = mapper(StreamReadConstraints.defaults().getMaxStringLength());

    private ExactJson() {
    }

    /** A reader for records of at most {@code maxRecordBytes}. */
    public static ObjectMapper mapper(int maxRecordBytes) {
        var constraints = StreamReadConstraints.builder().maxStringLength(maxRecordBytes).maxNestingDepth(64).build();
        return JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints).build())
                .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /** For events already accepted (Kafka's copies): they decode to what was accepted. */
    static ObjectMapper mapper() {
        return UNCAPPED;
    }
}

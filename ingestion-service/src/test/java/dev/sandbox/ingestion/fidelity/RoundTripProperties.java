package dev.sandbox.ingestion.fidelity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sandbox.ingestion.event.EventCodec;
import dev.sandbox.ingestion.event.EventFields;
import dev.sandbox.ingestion.event.ExactJson;
import dev.sandbox.ingestion.parse.CsvReader;
import dev.sandbox.ingestion.parse.NdjsonReader;
import dev.sandbox.ingestion.parse.ParsedRecord;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.TestInfrastructure;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Records with hostile content (quotes, separators, every kind of line break, text beyond the BMP,
 * halves of surrogate pairs, NUL, huge and tiny numbers, nesting), written as NDJSON and as CSV, go
 * the way an accepted record goes (reader, event rules, Kafka's bytes, PostgreSQL's jsonb) and come
 * back equal to what was sent, or are refused with a reason: never altered. What "unstorable" means
 * is this test's own oracle (NUL, half a pair, a number past numeric's digits), not the service's.
 */
class RoundTripProperties {

    private static final ObjectMapper EXACT = ExactJson.mapper(1 << 24);
    /** Non-ASCII escaped, so that half a surrogate pair travels as {@code \\uD800} the way a JSON client would send it. */
    private static final ObjectWriter WRITER = EXACT.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);
    /** jsonb writes numbers out in full: 1e-16383 comes back as 16,385 characters, past Jackson's default limit. */
    private static final ObjectMapper STORED = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNumberLength(200_000).build()).build())
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true))
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    private static Connection database;

    @BeforeContainer
    static void connect() throws SQLException {
        var infrastructure = TestInfrastructure.with(Component.POSTGRES);
        var postgres = infrastructure.endpoints().postgres();
        var name = infrastructure.unique("roundtrip").replace('-', '_');
        postgres.createDatabase(name);
        database = postgres.connect(name);
    }

    @AfterContainer
    static void disconnect() throws SQLException {
        database.close();
    }

    @Property(tries = 300)
    void ndjsonPayloadsAreStoredAsSentOrRefused(@ForAll("payloads") Map<String, Object> payload) throws Exception {
        var sent = (ObjectNode) EXACT.valueToTree(payload);
        var line = "{\"id\":\"e\",\"type\":\"t\",\"source\":\"s\",\"payload\":" + WRITER.writeValueAsString(sent) + "}\n";
        var record = new NdjsonReader(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), 1 << 24).next();
        assertStoredOrRefused(record, sent, unstorable(sent));
    }

    @Property(tries = 300)
    void csvFieldsAreStoredAsSentOrRefused(@ForAll("columns") Map<String, String> columns, @ForAll("lineBreaks") String lineBreak)
            throws Exception {
        var csv = new StringBuilder("id,type,source");
        columns.keySet().forEach(name -> csv.append(',').append(quoted(name)));
        csv.append(lineBreak).append("e,t,s");
        columns.values().forEach(value -> csv.append(',').append(quoted(value)));
        csv.append(lineBreak);
        var record = new CsvReader(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)), 1 << 24).next();
        var sent = (ObjectNode) EXACT.valueToTree(columns);
        assertStoredOrRefused(record, sent, unstorable(sent));
    }

    private static void assertStoredOrRefused(ParsedRecord record, ObjectNode sent, boolean unstorable) throws Exception {
        if (!record.readable()) {
            // The reader refused the record (Jackson refuses half a pair in a key): only what cannot be stored may be.
            assertThat(unstorable).as("refused by the reader: %s (%s)", sent, record.error()).isTrue();
            assertThat(record.error()).isNotBlank();
            return;
        }
        var result = EventFields.from(record.fields(), NOW);
        if (unstorable) {
            assertThat(result.valid()).as("refused: %s", sent).isFalse();
            assertThat(result.problems()).allSatisfy(problem -> assertThat(problem.reason()).isNotBlank());
            return;
        }
        assertThat(result.problems()).as("accepted: %s", sent).isEmpty();
        var fromKafka = EventCodec.decode(EventCodec.encode(result.event()));
        assertThat(sameValues(fromKafka.payload(), sent)).as("after Kafka: %s vs %s", fromKafka.payload(), sent).isTrue();
        var stored = stored(fromKafka.payload());
        assertThat(sameValues(stored, sent)).as("after jsonb: %s vs %s", stored, sent).isTrue();
    }

    /** The payload as PostgreSQL's jsonb keeps it (the sink's own cast: text to jsonb), read with every digit. */
    private static JsonNode stored(JsonNode payload) throws SQLException, IOException {
        try (var select = database.prepareStatement("SELECT (?::jsonb)::text")) {
            select.setString(1, payload.toString());
            try (var rows = select.executeQuery()) {
                rows.next();
                return STORED.readTree(rows.getString(1));
            }
        }
    }

    /** Equal content: numbers by value (jsonb writes {@code 1E+400} out in full), everything else exactly. */
    private static boolean sameValues(JsonNode a, JsonNode b) {
        Comparator<JsonNode> values = (x, y) -> x.isNumber() && y.isNumber()
                ? x.decimalValue().compareTo(y.decimalValue())
                : x.equals(y) ? 0 : 1;
        return a.equals(values, b);
    }

    private static boolean unstorable(JsonNode node) {
        if (node.isTextual()) {
            return unstorable(node.asText());
        }
        if (node.isNumber()) {
            var number = node.decimalValue();
            return number.precision() - number.scale() > 131_072 || number.scale() > 16_383;
        }
        var names = node.fieldNames();
        while (names.hasNext()) {
            if (unstorable(names.next())) {
                return true;
            }
        }
        for (var child : node) {
            if (unstorable(child)) {
                return true;
            }
        }
        return false;
    }

    private static boolean unstorable(String text) {
        return text.indexOf('\0') >= 0 || !text.codePoints().allMatch(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE);
    }

    private static String quoted(String field) {
        return "\"" + field.replace("\"", "\"\"") + "\"";
    }

    @Provide
    Arbitrary<Map<String, Object>> payloads() {
        return Arbitraries.maps(text(), value(2)).ofMaxSize(6);
    }

    @Provide
    Arbitrary<Map<String, String>> columns() {
        // UTF-8 cannot carry half a surrogate pair, so CSV columns are Unicode text (NUL included).
        var unicode = text().filter(text -> text.codePoints().allMatch(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE));
        var names = unicode.filter(name -> !name.isBlank() && !EventFields.NAMES.contains(name.trim().toLowerCase(java.util.Locale.ROOT)));
        return Arbitraries.maps(names, unicode).ofMinSize(1).ofMaxSize(5).map(LinkedHashMap::new);
    }

    @Provide
    Arbitrary<String> lineBreaks() {
        return Arbitraries.of("\n", "\r\n", "\r");
    }

    private static Arbitrary<String> text() {
        var hostile = Arbitraries.strings().withChars(",\"'\r\n\t \\\u2028\u2029\u0085\u00e9\u65e5\u0000").ofMaxLength(10);
        var anyChars = Arbitraries.strings().all().ofMaxLength(6); // halves of surrogate pairs included
        var astral = Arbitraries.strings().withCharRange('\uD83D', '\uD83D').ofLength(1)
                .flatMap(high -> Arbitraries.strings().withCharRange('\uDE00', '\uDE4F').ofLength(1).map(low -> high + low));
        return Arbitraries.oneOf(hostile, anyChars, astral, Arbitraries.of("", "\r\n", "\"\"", "🚀 x", "a,b"));
    }

    private static Arbitrary<Object> value(int depth) {
        var number = Combinators.combine(Arbitraries.bigIntegers().between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40)),
                Arbitraries.oneOf(Arbitraries.integers().between(-400, 400), Arbitraries.of(-200_000, 20_000, 16_383, 16_384)))
                .as(BigDecimal::new);
        var scalar = Arbitraries.oneOf(text().map(Object.class::cast), number.map(Object.class::cast),
                Arbitraries.of(true, false).map(Object.class::cast),
                Arbitraries.longs().map(Object.class::cast));
        if (depth == 0) {
            return scalar;
        }
        var list = value(depth - 1).list().ofMaxSize(3).map(items -> (Object) new ArrayList<>(items));
        var map = Arbitraries.maps(text(), value(depth - 1)).ofMaxSize(3).map(Object.class::cast);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, scalar), net.jqwik.api.Tuple.of(1, list), net.jqwik.api.Tuple.of(1, map));
    }

}

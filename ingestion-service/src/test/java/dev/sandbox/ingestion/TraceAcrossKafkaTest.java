package dev.sandbox.ingestion;

import static dev.sandbox.ingestion.Uploads.ndjson;
import static dev.sandbox.ingestion.Uploads.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.WithInfrastructure;

/** One trace from the upload through Kafka to the sink's SQL, with the batch linked to its producers. */
@QuarkusTest
@WithInfrastructure({Component.KAFKA, Component.POSTGRES})
class TraceAcrossKafkaTest {

    /** The test kit's InMemorySpans: Quarkus exports to it as to every SpanExporter bean. */
    @Inject
    InMemorySpanExporter exporter;

    @Test
    void oneTraceFromTheRequestToTheDatabaseWrite() {
        post("application/x-ndjson", ndjson("traced", "trace", 3)).statusCode(202);

        // The sink may take the upload's three records in one poll or in several: each poll is a
        // "process" span, so the proof holds for every one of them, whatever the timing.
        var spans = Awaitility.await("the sink's spans").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(exporter::getFinishedSpanItems, all -> processes(all).mapToLong(span -> span.getAttributes()
                        .get(AttributeKey.longKey("messaging.batch.message_count"))).sum() >= 3
                        && processes(all).allMatch(span -> all.stream().anyMatch(child -> child.getParentSpanId().equals(span.getSpanId())
                                && child.getKind() == SpanKind.CLIENT)));

        var request = one(spans, span -> span.getKind() == SpanKind.SERVER && span.getName().contains("/events"));
        var publish = one(spans, span -> span.getName().endsWith(" publish"));
        var batches = processes(spans).toList();
        var sql = spans.stream().filter(span -> span.getKind() == SpanKind.CLIENT
                && batches.stream().anyMatch(batch -> span.getParentSpanId().equals(batch.getSpanId()))).toList();

        assertThat(publish.getParentSpanId()).isEqualTo(request.getSpanId());
        assertThat(batches).allSatisfy(batch -> {
            assertThat(batch.getTraceId()).as("the batch continues the upload's trace").isEqualTo(request.getTraceId());
            assertThat(batch.getLinks()).anySatisfy(link -> assertThat(link.getSpanContext().getSpanId()).isEqualTo(publish.getSpanId()));
        });
        assertThat(sql).as("the database write, under the batch").isNotEmpty()
                .allSatisfy(span -> assertThat(span.getTraceId()).isEqualTo(request.getTraceId()));
        var process = batches.getFirst();
        // The semantic-convention attributes every service's messaging spans carry (common's MessagingSpans).
        assertThat(publish.getAttributes().get(AttributeKey.stringKey("messaging.operation.type"))).isEqualTo("send");
        assertThat(publish.getAttributes().get(AttributeKey.stringKey("messaging.operation.name"))).isEqualTo("send");
        assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.operation.type"))).isEqualTo("process");
        assertThat(process.getAttributes().get(AttributeKey.stringKey("messaging.system"))).isEqualTo("kafka");
    }

    private static Stream<SpanData> processes(List<SpanData> spans) {
        return spans.stream().filter(span -> span.getName().endsWith(" process"));
    }

    private static SpanData one(List<SpanData> spans, Predicate<SpanData> wanted) {
        var matching = spans.stream().filter(wanted).toList();
        assertThat(matching).as(spans.toString()).hasSize(1);
        return matching.getFirst();
    }
}

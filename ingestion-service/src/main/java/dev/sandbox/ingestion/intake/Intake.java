package dev.sandbox.ingestion.intake;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.context.Context;

import dev.sandbox.common.kafka.MessagingSpans;
import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.ingestion.IngestionConfig;
import dev.sandbox.ingestion.event.EventFields;
import dev.sandbox.ingestion.event.RecordError;
import dev.sandbox.ingestion.parse.BodyFormat;
import dev.sandbox.ingestion.parse.ParsedRecord;
import dev.sandbox.ingestion.parse.UnreadableBodyException;
import dev.sandbox.ingestion.publish.EventPublisher.BrokerUnavailableException;
import dev.sandbox.ingestion.publish.EventPublisher;

/**
 * One upload, from body to answer: records are read one at a time, checked, and sent to Kafka as
 * they come; bad ones are counted and listed, good ones are never held back for them (unless the
 * upload is strict). With {@code ack=after-broker} the answer waits until Kafka has acknowledged
 * every record sent; a record Kafka did not take makes it a 503, and the client sends the upload
 * again (ids make the repeats harmless).
 */
@ApplicationScoped
public class Intake {

    private static final Logger LOG = Logger.getLogger(Intake.class);

    private final EventPublisher publisher;
    private final MessagingSpans tracing;
    private final IngestionConfig.AckMode ackMode;
    private final IngestionConfig.Intake config;
    private final long maxBodyBytes;
    private final Duration readTimeout;
    private final Duration maxWaitForAcks;
    private final Semaphore uploads;
    private final Counter accepted;
    private final Counter rejected;
    private final Counter lost;

    Intake(EventPublisher publisher, MessagingSpans tracing, IngestionConfig config, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.http.read-timeout") Duration readTimeout) {
        this.publisher = publisher;
        this.tracing = tracing;
        this.ackMode = config.ack();
        this.config = config.intake();
        this.maxBodyBytes = this.config.maxBodySize().asLongValue();
        this.readTimeout = readTimeout;
        // Kafka answers every record within the delivery timeout: an acknowledgement or a failure.
        this.maxWaitForAcks = config.producer().deliveryTimeout().plusSeconds(5);
        this.uploads = new Semaphore(this.config.maxConcurrentUploads());
        this.accepted = registry.counter("ingestion.intake.records", "outcome", "accepted");
        this.rejected = registry.counter("ingestion.intake.records", "outcome", "rejected");
        // Acknowledged to a client, then not delivered: only the naive on-receive mode has any.
        this.lost = registry.counter("ingestion.intake.records", "outcome", "lost");
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    public IntakeResult ingest(BodyFormat format, InputStream body, boolean strict) {
        if (!uploads.tryAcquire()) {
            throw new ProblemException(429, "too-many-uploads", "Too many uploads",
                    config.maxConcurrentUploads() + " uploads are being read; send again in a second",
                    List.of(), Map.of("Retry-After", "1"));
        }
        try {
            var guarded = new GuardedInputStream(body, maxBodyBytes, config.minBytesPerSecond().asLongValue(), readTimeout);
            return new Upload(format, guarded, strict).run();
        } catch (BrokerUnavailableException e) {
            throw unavailable(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while waiting for Kafka");
        } finally {
            uploads.release();
        }
    }

    /** The state of one upload: counts, the first errors, and Kafka's answers. */
    private final class Upload {

        private final BodyFormat format;
        private final GuardedInputStream body;
        private final boolean strict;
        private final Acknowledgements acks = new Acknowledgements(lost::increment);
        private final List<RecordError> errors = new ArrayList<>();
        private final Instant received = Instant.now();
        private long valid;
        private long invalid;

        Upload(BodyFormat format, GuardedInputStream body, boolean strict) {
            this.format = format;
            this.body = body;
            this.strict = strict;
        }

        IntakeResult run() throws InterruptedException {
            var span = tracing.publish(publisher.topic(), Context.current());
            try (var scope = span.makeCurrent(); var batch = strict ? publisher.transaction() : publisher.batch()) {
                var headers = tracing.headers(span);
                var reader = format.reader(body, (int) config.maxRecordSize().asLongValue());
                try {
                    for (var record = reader.next(); record != null; record = reader.next()) {
                        var event = check(record, reader.unit());
                        if (event != null && (!strict || invalid == 0)) {
                            stopIfKafkaFailed();
                            batch.send(event, headers, acks);
                            acks.sent();
                        }
                    }
                } catch (UnreadableBodyException e) {
                    throw settled(batch, 400, "malformed-body", "Unreadable request body", e.getMessage());
                } catch (GuardedInputStream.BodyTooLargeException e) {
                    throw settled(batch, 413, "body-too-large", "Request body too large", e.getMessage());
                } catch (GuardedInputStream.BodyTooSlowException e) {
                    throw settled(batch, 408, "body-too-slow", "Request body too slow", e.getMessage());
                } catch (IOException e) {
                    throw settled(batch, 400, "body-incomplete", "Request body incomplete",
                            "the body could not be read to its end: " + e.getMessage());
                } catch (BrokerUnavailableException e) {
                    batch.abort();
                    throw e;
                }
                if (strict && invalid > 0) {
                    batch.abort();
                    rejected.increment(valid + invalid);
                    throw new ProblemException(400, "invalid-records", "Invalid records", invalid
                            + " of " + (valid + invalid) + " records are invalid; a strict upload is accepted whole or not at all",
                            errors.stream().map(error -> new Problem.FieldError(error.where()
                                    + (error.field() == null ? "" : ": " + error.field()), error.reason())).toList(), Map.of());
                }
                batch.commit();
                span.setAttribute("messaging.batch.message_count", valid);
                return answer();
            } finally {
                span.end();
            }
        }

        /**
         * Kafka failed a record of this upload (the broker is away, or metadata timed out): reading
         * on would only make each next record wait out the same timeouts. The upload is a 503.
         * The naive on-receive mode does not look: it answers "accepted" whatever Kafka says.
         */
        private void stopIfKafkaFailed() {
            var naive = ackMode == IngestionConfig.AckMode.ON_RECEIVE && !strict;
            if (!naive && acks.failedCount() > 0) {
                throw new BrokerUnavailableException("Kafka failed a record of this upload: " + acks.firstFailure().getMessage());
            }
        }

        /** The event in {@code record}, or null when it is not one (then it is counted and listed). */
        private dev.sandbox.ingestion.event.Event check(ParsedRecord record, RecordError.Unit unit) {
            if (!record.readable()) {
                var field = record.field() != null ? record.fieldPrefix() + record.field()
                        : record.fieldPrefix().isEmpty() ? null : record.fieldPrefix().substring(0, record.fieldPrefix().length() - 1);
                reject(List.of(RecordError.at(unit, record.number(), field, record.error())));
                return null;
            }
            var result = EventFields.from(record.fields(), received);
            if (!result.valid()) {
                reject(result.problems().stream()
                        .map(problem -> RecordError.at(unit, record.number(), record.fieldPrefix() + problem.field(), problem.reason()))
                        .toList());
                return null;
            }
            valid++;
            return result.event();
        }

        private void reject(List<RecordError> recordErrors) {
            invalid++;
            for (var error : recordErrors) {
                if (errors.size() < config.maxErrorsListed()) {
                    errors.add(error);
                }
            }
        }

        private IntakeResult answer() throws InterruptedException {
            if (ackMode == IngestionConfig.AckMode.ON_RECEIVE && !strict) {
                // The naive design: the client hears "accepted" while the records may still be in
                // the producer's buffer. Whatever fails from here on is lost to it.
                var failedAlready = acks.answer();
                if (failedAlready > 0) {
                    lost.increment(failedAlready);
                }
                return counted();
            }
            if (!acks.awaitAll(maxWaitForAcks)) {
                throw new BrokerUnavailableException("Kafka has not answered for " + (acks.sentCount() - acks.acknowledgedCount()) + " records");
            }
            if (acks.failedCount() > 0) {
                LOG.warnf(acks.firstFailure(), "%d of %d records not acknowledged by Kafka", acks.failedCount(), acks.sentCount());
                throw new BrokerUnavailableException(acks.failedCount() + " of " + acks.sentCount() + " records were not acknowledged by Kafka ("
                        + acks.firstFailure().getMessage() + ")");
            }
            return counted();
        }

        private IntakeResult counted() {
            accepted.increment(valid);
            rejected.increment(invalid);
            return new IntakeResult(valid, invalid, List.copyOf(errors));
        }

        /**
         * The body broke off: what was sent before stays sent (a strict upload's is dropped), and the
         * problem says how much that was, once Kafka has answered for it.
         */
        private ProblemException settled(EventPublisher.Batch batch, int status, String type, String title, String detail)
                throws InterruptedException {
            if (strict) {
                batch.abort();
                return new ProblemException(status, type, title, detail + "; nothing was accepted (strict upload)",
                        List.of(), Map.of());
            }
            acks.awaitAll(maxWaitForAcks);
            var kept = acks.acknowledgedCount();
            accepted.increment(kept);
            return new ProblemException(status, type, title, detail + (kept == 0 ? "; nothing was accepted"
                    : "; the " + kept + " records before it were accepted (sending them again is harmless: ids dedupe)"),
                    List.of(), Map.of());
        }

    }

    private static ProblemException unavailable(String detail) {
        return new ProblemException(503, "broker-unavailable", "Kafka unavailable",
                detail + "; send the upload again later (records already accepted dedupe by id)",
                List.of(), Map.of("Retry-After", "5"));
    }
}

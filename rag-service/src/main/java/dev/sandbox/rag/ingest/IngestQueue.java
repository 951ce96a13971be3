package dev.sandbox.rag.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.common.telemetry.MessagingTracer;
import dev.sandbox.rag.RagConfig;

/**
 * The ingest work queue on RabbitMQ. Publishing waits for the broker's confirm, so a 202 means the
 * job is on disk in a durable queue. The consumer acknowledges manually, after the index commit: a
 * worker that dies mid-job leaves the job unacknowledged and RabbitMQ delivers it again (the
 * worker's idempotency by content hash makes the second run a no-op when the first committed).
 * A failed job is acknowledged only once its next step is published: to {@code <queue>.retry.<n>}
 * (a queue whose TTL, growing fourfold per attempt, dead-letters it back to the work queue) or,
 * after {@code max-attempts} or a permanent failure, to {@code <queue>.dlq} with the reason in
 * the {@code x-failure-reason} header. When RabbitMQ is down at start, connecting is retried in the
 * background with a growing pause; once connected, the client's automatic recovery reconnects.
 *
 * <p>A job carries the trace of the request that sent it ({@code traceparent} in its headers, kept
 * across retries): {@code rag.ingest publish} and {@code rag.ingest process} spans frame the hop, and
 * the worker's spans continue the request's trace.
 */
@ApplicationScoped
public class IngestQueue {

    private static final Logger LOG = Logger.getLogger(IngestQueue.class);
    public static final String ATTEMPT = "x-attempt";
    public static final String REASON = "x-failure-reason";

    private final RagConfig.Ingest config;
    private final IngestWorker worker;
    private final ObjectMapper json;
    private final ConnectionFactory factory = new ConnectionFactory();
    /**
     * The threads that run the consumers' deliveries, one per worker. The client's default pool is
     * sized by the machine's cores: on two cores it had two threads, and no more than two jobs ran
     * at once, whatever {@code workers} said.
     */
    private final ExecutorService deliveries;
    private final MeterRegistry registry;
    private final MessagingTracer tracing;
    private volatile Connection connection;
    private Channel publisher;
    private volatile boolean stopping;
    private Thread connector;

    IngestQueue(RagConfig config, IngestWorker worker, ObjectMapper json, MeterRegistry registry, OpenTelemetry telemetry,
            @ConfigProperty(name = "rabbitmq-host", defaultValue = "localhost") String host,
            @ConfigProperty(name = "rabbitmq-port", defaultValue = "5672") int port,
            @ConfigProperty(name = "rabbitmq-username", defaultValue = "guest") String username,
            @ConfigProperty(name = "rabbitmq-password", defaultValue = "guest") String password) {
        this.config = config.ingest();
        this.worker = worker;
        this.json = json;
        this.registry = registry;
        this.tracing = new MessagingTracer(telemetry, "rabbitmq");
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setConnectionTimeout(3_000);
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(1_000);
        this.deliveries = Executors.newFixedThreadPool(Math.max(1, this.config.workers()),
                Thread.ofPlatform().name("rag-ingest-worker-", 0).daemon().factory());
    }

    void start(@Observes StartupEvent event) {
        connector = Thread.ofPlatform().name("rag-ingest-connect").daemon().start(this::connectLoop);
    }

    private void connectLoop() {
        var failures = 0;
        while (!stopping && connection == null) {
            try {
                connect();
            } catch (Exception e) {
                failures++;
                var pause = Math.min(5_000L, 100L << Math.min(failures, 6));
                if (failures == 1) {
                    LOG.warnf("RabbitMQ not reachable (%s); retrying every few seconds", e.getMessage());
                }
                sleep(Duration.ofMillis(pause));
            }
        }
    }

    private synchronized void connect() throws IOException, TimeoutException {
        var opened = factory.newConnection(deliveries, "rag-service");
        try {
            var admin = opened.createChannel();
            declare(admin);
            admin.close();
            publisher = opened.createChannel();
            publisher.confirmSelect();
            // A channel delivers one message at a time: one channel per worker runs jobs side by side.
            for (var worker = 0; worker < Math.max(1, config.workers()); worker++) {
                var consumer = opened.createChannel();
                consumer.basicQos(Math.max(1, config.prefetch()));
                consumer.basicConsume(config.queue(), false, "rag-ingest-worker-" + worker, new JobConsumer(consumer));
            }
            connection = opened;
            LOG.infof("consuming %s with %d workers", config.queue(), Math.max(1, config.workers()));
        } catch (IOException | RuntimeException e) {
            opened.abort();
            throw e;
        }
    }

    private void declare(Channel channel) throws IOException {
        channel.queueDeclare(config.queue(), true, false, false, null);
        channel.queueDeclare(deadLetterQueue(), true, false, false, null);
        for (var attempt = 1; attempt < config.maxAttempts(); attempt++) {
            Map<String, Object> arguments = new HashMap<>();
            arguments.put("x-message-ttl", backoff(attempt).toMillis());
            arguments.put("x-dead-letter-exchange", "");
            arguments.put("x-dead-letter-routing-key", config.queue());
            channel.queueDeclare(retryQueue(attempt), true, false, false, arguments);
        }
    }

    public String deadLetterQueue() {
        return config.queue() + ".dlq";
    }

    String retryQueue(int attempt) {
        return config.queue() + ".retry." + attempt;
    }

    Duration backoff(int attempt) {
        return config.firstBackoff().multipliedBy(1L << (2 * (attempt - 1)));
    }

    /** Puts a job on the queue and waits for the broker's confirm; 503 when the broker is not there. */
    public void publish(IngestJob job) {
        var span = tracing.publish(config.queue(), Context.current()).startSpan();
        try (var scope = span.makeCurrent()) {
            var body = json.writeValueAsBytes(job);
            var properties = MessageProperties.PERSISTENT_BASIC.builder().headers(traceHeaders(new HashMap<>())).build();
            synchronized (this) {
                if (connection == null || publisher == null || !publisher.isOpen()) {
                    throw unavailable();
                }
                publisher.basicPublish("", config.queue(), properties, body);
                publisher.waitForConfirmsOrDie(5_000);
            }
        } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof ProblemException problem) {
                throw problem;
            }
            LOG.warnf("publishing an ingest job failed: %s", e.toString());
            throw unavailable();
        } finally {
            span.end();
        }
    }

    /** Adds the current trace context ({@code traceparent}) to a message's headers. */
    private Map<String, Object> traceHeaders(Map<String, Object> headers) {
        tracing.inject(Span.current(), headers, Map::put);
        return headers;
    }

    private static ProblemException unavailable() {
        return new ProblemException(503, "queue-unavailable", "Ingestion is unavailable",
                "The work queue does not answer; send the document again shortly.", java.util.List.of(), Map.of("Retry-After", "2"));
    }

    private final class JobConsumer extends DefaultConsumer {

        JobConsumer(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) throws IOException {
            var span = tracing.process(config.queue(), tracing.extract(properties.getHeaders(), MessagingTracer.MAP_HEADERS)).startSpan();
            try (var scope = span.makeCurrent()) {
                handle(envelope, properties, body);
            } finally {
                span.end();
            }
        }

        private void handle(Envelope envelope, AMQP.BasicProperties properties, byte[] body) throws IOException {
            var channel = getChannel();
            var attempt = attempt(properties);
            IngestJob job;
            try {
                job = json.readValue(body, IngestJob.class);
                if (job.documentId() == null || job.contentHash() == null) {
                    throw new IllegalArgumentException("documentId and contentHash are required");
                }
            } catch (Exception e) {
                deadLetter(channel, envelope, body, attempt, "malformed job: " + e.getClass().getSimpleName());
                return;
            }
            try {
                worker.process(job, () -> {
                    try {
                        channel.basicAck(envelope.getDeliveryTag(), false);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                registry.counter("rag_ingest_jobs", "outcome", "done").increment();
            } catch (PermanentFailure e) {
                worker.markFailed(job, e.getMessage());
                deadLetter(channel, envelope, body, attempt, e.getMessage());
            } catch (Exception e) {
                var reason = e.getClass().getSimpleName() + ": " + e.getMessage();
                if (attempt >= config.maxAttempts()) {
                    worker.markFailed(job, "gave up after " + attempt + " attempts: " + reason);
                    deadLetter(channel, envelope, body, attempt, reason);
                } else {
                    LOG.warnf("ingest of %s failed (attempt %d of %d), retrying in %s: %s", job.documentId(), attempt,
                            config.maxAttempts(), backoff(attempt), e.getClass().getSimpleName());
                    republish(channel, retryQueue(attempt), body, attempt + 1, null);
                    channel.basicAck(envelope.getDeliveryTag(), false);
                    registry.counter("rag_ingest_jobs", "outcome", "retried").increment();
                }
            }
        }

        private void deadLetter(Channel channel, Envelope envelope, byte[] body, int attempt, String reason) throws IOException {
            LOG.warnf("ingest job dead-lettered after attempt %d: %s", attempt, reason);
            republish(channel, deadLetterQueue(), body, attempt, reason);
            channel.basicAck(envelope.getDeliveryTag(), false);
            registry.counter("rag_ingest_jobs", "outcome", "dead-lettered").increment();
        }

        private void republish(Channel channel, String queue, byte[] body, int attempt, String reason) throws IOException {
            Map<String, Object> headers = traceHeaders(new HashMap<>());
            headers.put(ATTEMPT, attempt);
            if (reason != null) {
                headers.put(REASON, reason.length() > 500 ? reason.substring(0, 500) : reason);
            }
            var properties = MessageProperties.PERSISTENT_BASIC.builder().headers(headers).build();
            channel.basicPublish("", queue, properties, body);
        }

        private int attempt(AMQP.BasicProperties properties) {
            var headers = properties.getHeaders();
            if (headers != null && headers.get(ATTEMPT) instanceof Number number) {
                return number.intValue();
            }
            return 1;
        }
    }

    private void sleep(Duration pause) {
        var until = System.nanoTime() + pause.toNanos();
        while (!stopping && System.nanoTime() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        var open = connection;
        if (open != null) {
            try {
                open.close(2_000);
            } catch (Exception e) {
                // Stopping: unacknowledged jobs go back to the queue.
            }
        }
        deliveries.shutdown();
    }
}

package dev.sandbox.infra.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.Uuid;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.Endpoints;

/**
 * A real Apache Kafka broker (KRaft, one node acting as broker and controller) run from the jars
 * on Maven Central, in a JVM of its own: it can be killed and restarted like any broker, and its
 * classes never meet the test's. Internal topics have one replica, so transactions and
 * read_committed work on a single node.
 */
final class KafkaBroker extends LocalServer {

    KafkaBroker(Path dir, String host, boolean fixedClientPort) {
        super(Component.KAFKA, dir, host, fixedClientPort, Set.of("controller"));
    }

    @Override
    public Component component() {
        return Component.KAFKA;
    }

    @Override
    public Endpoints.Kafka endpoint() {
        return new Endpoints.Kafka(host, clientPort());
    }

    @Override
    protected void prepare() throws IOException {
        Files.writeString(path("server.properties"), """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@%1$s:%3$d
                listeners=PLAINTEXT://%1$s:%2$d,CONTROLLER://%1$s:%3$d
                advertised.listeners=PLAINTEXT://%1$s:%2$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                log.dirs=%4$s
                num.partitions=1
                auto.create.topics.enable=true
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=10
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                transaction.state.log.num.partitions=10
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                """.formatted(host, clientPort(), ports.get("controller"), path("data")));
        Files.writeString(path("log4j2.properties"), """
                rootLogger.level=INFO
                rootLogger.appenderRef.stdout.ref=STDOUT
                appender.stdout.type=Console
                appender.stdout.name=STDOUT
                appender.stdout.layout.type=PatternLayout
                appender.stdout.layout.pattern=[%d] %p %m (%c)%n
                logger.request.name=kafka.request.logger
                logger.request.level=WARN
                """);
        if (!Files.exists(path("data/meta.properties"))) {
            Os.run(List.of(java(), "-cp", classpath(), "kafka.tools.StorageTool", "format",
                    "-t", Uuid.randomUuid().toString(), "-c", path("server.properties").toString()), dir);
        }
    }

    /**
     * A restart after kill -9 is slower than a first start: the JVM boots, every partition's log is
     * recovered (no clean-shutdown marker), and the controller refuses the broker's registration
     * until its previous life's session expires ({@code broker.session.timeout.ms}, 9 s), retrying
     * with backoff. 23 s on a machine at load 15; 60 s was outlasted at load 30.
     */
    @Override
    protected Duration startTimeout() {
        return Duration.ofSeconds(180);
    }

    @Override
    protected List<String> command() {
        return List.of(java(), "-Xms256m", "-Xmx512m", "-XX:+UseG1GC",
                "-Djava.io.tmpdir=" + dir,
                "-Dlog4j2.configurationFile=" + path("log4j2.properties"),
                "-Dkafka.logs.dir=" + dir,
                "-cp", classpath(), "kafka.Kafka", path("server.properties").toString());
    }

    private static String java() {
        return Os.java();
    }

    /** The broker's jars, as resolved by Maven when the kafka-broker module was built. */
    static String classpath() {
        return Os.mavenClasspath("/kafka-broker.classpath", "Kafka");
    }
}

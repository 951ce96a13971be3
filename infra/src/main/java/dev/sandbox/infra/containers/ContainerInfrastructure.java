package dev.sandbox.infra.containers;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.kafka.KafkaContainer;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.Endpoints;
import dev.sandbox.infra.Infrastructure;
import dev.sandbox.infra.ReadinessProbe;

/**
 * The infrastructure as Testcontainers, for machines with a Docker engine. Host ports are chosen
 * up front and bound explicitly, so a container killed and started again keeps its address (and
 * Kafka's advertised listener stays true). Images are the ones docker-compose.yml uses.
 */
public final class ContainerInfrastructure implements Infrastructure {

    public static final String REDIS_IMAGE = "redis:7.0";
    public static final String POSTGRES_IMAGE = "postgres:15";
    public static final String RABBITMQ_IMAGE = "rabbitmq:3.10";
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
    public static final String ZIPKIN_IMAGE = "openzipkin/zipkin:3.5.1";
    public static final String PROMETHEUS_IMAGE = "prom/prometheus:v2.42.0";

    private final Map<Component, GenericContainer<?>> containers = new EnumMap<>(Component.class);
    /** Recorded at start: a killed container has no mapped ports to ask for, but keeps its bound ones. */
    private final Map<Component, Endpoints.Endpoint> endpoints = new EnumMap<>(Component.class);

    @Override
    public synchronized void start(Set<Component> components) {
        for (var component : components) {
            if (!containers.containsKey(component)) {
                var container = create(component);
                container.start();
                containers.put(component, container);
                endpoints.put(component, endpoint(component, container));
            }
        }
        var endpoints = endpoints();
        components.forEach(c -> ReadinessProbe.awaitReady(c, endpoints, Duration.ofSeconds(60), () -> { }));
    }

    private static GenericContainer<?> create(Component component) {
        GenericContainer<?> container = switch (component) {
            case REDIS -> new GenericContainer<>(REDIS_IMAGE).withCommand("redis-server", "--appendonly", "yes");
            case POSTGRES -> new GenericContainer<>(POSTGRES_IMAGE)
                    .withEnv("POSTGRES_USER", Endpoints.POSTGRES_USER)
                    .withEnv("POSTGRES_PASSWORD", Endpoints.POSTGRES_PASSWORD)
                    .withEnv("POSTGRES_DB", "postgres")
                    .withCommand("postgres", "-c", "fsync=off", "-c", "max_connections=300");
            case RABBITMQ -> new GenericContainer<>(RABBITMQ_IMAGE)
                    .withEnv("RABBITMQ_DEFAULT_USER", Endpoints.RABBITMQ_USER)
                    .withEnv("RABBITMQ_DEFAULT_PASS", Endpoints.RABBITMQ_PASSWORD);
            case KAFKA -> new KafkaContainer(KAFKA_IMAGE);
            case ZIPKIN -> new GenericContainer<>(ZIPKIN_IMAGE);
            case PROMETHEUS -> new GenericContainer<>(PROMETHEUS_IMAGE);
        };
        var containerPort = component == Component.KAFKA ? 9092 : component.defaultPort();
        var hostPort = dev.sandbox.infra.local.Ports.freePort("127.0.0.1");
        return container.withExposedPorts(containerPort)
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPortBindings(
                        new PortBinding(Ports.Binding.bindPort(hostPort), new ExposedPort(containerPort))));
    }

    private static Endpoints.Endpoint endpoint(Component component, GenericContainer<?> container) {
        var host = container.getHost();
        var port = container.getMappedPort(component == Component.KAFKA ? 9092 : component.defaultPort());
        return switch (component) {
            case REDIS -> new Endpoints.Redis(host, port);
            case POSTGRES -> new Endpoints.Postgres(host, port, Endpoints.POSTGRES_USER, Endpoints.POSTGRES_PASSWORD);
            case RABBITMQ -> new Endpoints.RabbitMq(host, port, Endpoints.RABBITMQ_USER, Endpoints.RABBITMQ_PASSWORD);
            case KAFKA -> new Endpoints.Kafka(host, port);
            case ZIPKIN -> new Endpoints.Zipkin(host, port);
            case PROMETHEUS -> new Endpoints.Prometheus(host, port);
        };
    }

    @Override
    public synchronized Endpoints endpoints() {
        return Endpoints.of(endpoints);
    }

    @Override
    public boolean isReady(Component component) {
        return containers.containsKey(component) && ReadinessProbe.isReady(component, endpoints());
    }

    @Override
    public void kill(Component component) {
        docker().killContainerCmd(id(component)).withSignal("KILL").exec();
    }

    @Override
    public void restart(Component component) {
        var id = id(component);
        if (Boolean.TRUE.equals(docker().inspectContainerCmd(id).exec().getState().getRunning())) {
            docker().stopContainerCmd(id).exec();
        }
        docker().startContainerCmd(id).exec();
        ReadinessProbe.awaitReady(component, endpoints(), Duration.ofSeconds(60), () -> { });
    }

    @Override
    public void pause(Component component) {
        docker().pauseContainerCmd(id(component)).exec();
    }

    @Override
    public void resume(Component component) {
        docker().unpauseContainerCmd(id(component)).exec();
    }

    @Override
    public synchronized void close() {
        containers.values().forEach(GenericContainer::stop);
        containers.clear();
        endpoints.clear();
    }

    private synchronized String id(Component component) {
        var container = containers.get(component);
        if (container == null) {
            throw new IllegalStateException(component.id() + " was never started");
        }
        return container.getContainerId();
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }
}

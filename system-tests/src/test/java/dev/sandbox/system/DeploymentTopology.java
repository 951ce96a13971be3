package dev.sandbox.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.Endpoints;
import dev.sandbox.infra.cli.ServiceSpec;
import dev.sandbox.infra.cli.Topology;
import dev.sandbox.infra.testing.ProjectRoot;

/**
 * The topology as Compose and Kubernetes see it: every server reachable by its component name on
 * its default port, every service by its name. What each service's environment must then be comes
 * from the same code ./sandbox uses, so the three ways to run the sandbox cannot drift apart.
 */
final class DeploymentTopology {

    static final Path ROOT = ProjectRoot.path();

    /** The Zipkin server ./sandbox runs (the root pom's zipkin-server.version), as an image under Compose and Kubernetes. */
    static final String ZIPKIN_VERSION = rootPomProperty("zipkin-server.version");
    /** The Prometheus ./sandbox runs is Debian's 2.42; Compose and Kubernetes run the same release, console templates included. */
    static final String PROMETHEUS_IMAGE = "prom/prometheus:v2.42.0";

    static final Endpoints BY_NAME = Endpoints.of(Map.of(
            Component.REDIS, new Endpoints.Redis("redis", Component.REDIS.defaultPort()),
            Component.POSTGRES, new Endpoints.Postgres("postgres", Component.POSTGRES.defaultPort(),
                    Endpoints.POSTGRES_USER, Endpoints.POSTGRES_PASSWORD),
            Component.RABBITMQ, new Endpoints.RabbitMq("rabbitmq", Component.RABBITMQ.defaultPort(),
                    Endpoints.RABBITMQ_USER, Endpoints.RABBITMQ_PASSWORD),
            Component.KAFKA, new Endpoints.Kafka("kafka", Component.KAFKA.defaultPort())));

    private DeploymentTopology() {
    }

    /** The environment under Compose, where every service of the topology is a container of its own. */
    static Map<String, String> composeEnvironment(ServiceSpec service) {
        return service.environment(BY_NAME, service.port(),
                name -> "http://" + name + ":" + Topology.service(name).orElseThrow().port());
    }

    /**
     * The environment in a cluster, where a replica has no Service of its own: a reference to it is
     * a reference to the Service in front of all replicas, named once.
     */
    static Map<String, String> clusterEnvironment(ServiceSpec service) {
        var environment = new LinkedHashMap<>(service.environment(BY_NAME, service.port(), name -> {
            var primary = primaryOf(Topology.service(name).orElseThrow());
            return "http://" + primary.name() + ":" + primary.port();
        }));
        environment.replaceAll((key, value) -> String.join(",", new LinkedHashSet<>(List.of(value.split(",")))));
        return environment;
    }

    /** The deployment a service runs in: its own, or the one it is a replica of. */
    static ServiceSpec primaryOf(ServiceSpec service) {
        return deployments().keySet().stream().filter(primary -> sameDeployment(primary, service)).findFirst().orElseThrow();
    }

    /** The image every deployment runs for a module (the one Quarkus' container-image settings name). */
    static String image(ServiceSpec service) {
        return "localhost:5000/sandbox/" + service.module() + ":1.0.0-SNAPSHOT";
    }

    /**
     * The Deployments the topology makes, with their replica counts. A service that runs the same
     * module with the same needs and settings as an earlier one (chat-service-2) is another replica
     * of it: locally it needs a port of its own, in a cluster a pod of its own.
     */
    static Map<ServiceSpec, Integer> deployments() {
        var deployments = new LinkedHashMap<ServiceSpec, Integer>();
        for (var service : Topology.SERVICES) {
            var primary = deployments.keySet().stream().filter(existing -> sameDeployment(existing, service)).findFirst();
            primary.ifPresentOrElse(p -> deployments.merge(p, 1, Integer::sum), () -> deployments.put(service, 1));
        }
        return deployments;
    }

    private static boolean sameDeployment(ServiceSpec a, ServiceSpec b) {
        return a.module().equals(b.module()) && a.needs().equals(b.needs())
                && Objects.equals(a.database(), b.database()) && a.environment().equals(b.environment());
    }

    static List<String> databases() {
        return Topology.SERVICES.stream().map(ServiceSpec::database).filter(Objects::nonNull).distinct().toList();
    }

    private static String rootPomProperty(String name) {
        try {
            var pom = Files.readString(ROOT.resolve("pom.xml"));
            var matcher = java.util.regex.Pattern.compile("<" + java.util.regex.Pattern.quote(name) + ">([^<]+)<").matcher(pom);
            if (!matcher.find()) {
                throw new IllegalStateException("no property " + name + " in the root pom");
            }
            return matcher.group(1).trim();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A tool the sandbox builds once at a pinned version ({@code ./sandbox tool <name>}): its path. */
    static String tool(String name) throws IOException, InterruptedException {
        return run(List.of(ROOT.resolve("sandbox").toString(), "tool", name)).strip().lines().reduce((first, last) -> last).orElseThrow();
    }

    /**
     * Checks rendered manifests strictly against the Kubernetes 1.32 API's schemas. The validator is
     * a Python console script whose first line names its interpreter by the path its environment
     * was made at; run by the interpreter beside it, it works from wherever the tools are reached.
     */
    static void validateKubernetes(String manifests) throws IOException, InterruptedException {
        var script = Path.of(tool("kubernetes-validate"));
        var file = Files.createTempFile("sandbox-kubernetes", ".yaml");
        try {
            Files.writeString(file, manifests);
            run(List.of(script.resolveSibling("python3").toString(), script.toString(), "--strict", "--quiet", "-k", "1.32.0", file.toString()));
        } finally {
            Files.delete(file);
        }
    }

    /** Runs a validation tool on the files; returns its output, failing with it if the tool does. */
    static String run(List<String> command) throws IOException, InterruptedException {
        var process = new ProcessBuilder(new ArrayList<>(command)).directory(ROOT.toFile()).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }
}

package dev.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.cli.ServiceSpec;
import dev.sandbox.infra.cli.Topology;
import dev.sandbox.infra.containers.ContainerInfrastructure;

/**
 * deploy/ renders with kustomize into valid Kubernetes (checked against the API's schemas), the
 * manifests in it are the ones quarkus-kubernetes generates today, and every service runs as
 * ./sandbox runs it: image, port, environment, replicas.
 *
 * <p>After changing a service's configuration or the topology, refresh the generated files with
 * {@code ./mvnw -B package -DskipTests && ./mvnw -B verify -pl system-tests -am -Dtest=KubernetesManifestsTest
 * -Dsurefire.failIfNoSpecifiedTests=false -DskipITs -Dsandbox.update-deploy=true}.
 */
class KubernetesManifestsTest {

    private static final Path DEPLOY = DeploymentTopology.ROOT.resolve("deploy");
    private static final boolean UPDATE = Boolean.getBoolean("sandbox.update-deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static String output;
    private static List<JsonNode> rendered;

    @BeforeAll
    static void render() throws Exception {
        if (UPDATE) {
            for (var service : DeploymentTopology.deployments().keySet()) {
                var dir = DEPLOY.resolve("kubernetes").resolve(service.name());
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("kubernetes.yml"), generated(service));
                Files.writeString(dir.resolve(service.name() + ".env"), envFile(service));
            }
        }
        output = DeploymentTopology.run(List.of(tool("kustomize"), "build", DEPLOY.toString()));
        rendered = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(output)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(rendered::add);
        }
    }

    static List<ServiceSpec> deployments() {
        return List.copyOf(DeploymentTopology.deployments().keySet());
    }

    @Test
    void renderedManifestsAreValidKubernetes() throws Exception {
        var file = Files.createTempFile("sandbox-kubernetes", ".yaml");
        try {
            Files.writeString(file, output);
            DeploymentTopology.run(List.of(tool("kubernetes-validate"), "--strict", "--quiet", "-k", "1.32.0", file.toString()));
        } finally {
            Files.delete(file);
        }
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void manifestIsTheOneQuarkusGenerates(ServiceSpec service) throws Exception {
        var committed = DEPLOY.resolve("kubernetes").resolve(service.name()).resolve("kubernetes.yml");
        assertThat(committed).as("refresh deploy/ (see this test's comment)").hasContent(generated(service));
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void eachServiceRunsAsInTheSandbox(ServiceSpec service) {
        var deployment = resource("Deployment", service.name());
        var container = deployment.path("spec").path("template").path("spec").path("containers").get(0);

        assertThat(container.path("image").asText()).isEqualTo(DeploymentTopology.image(service));
        assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(service.port());
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(DeploymentTopology.deployments().get(service));
        assertThat(resource("Service", service.name()).path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(service.port());

        var configMap = container.path("envFrom").get(0).path("configMapRef").path("name").asText();
        var environment = YAML.convertValue(resource("ConfigMap", configMap).path("data"), Map.class);
        assertThat(environment).isEqualTo(DeploymentTopology.clusterEnvironment(service));
    }

    @Test
    void serversUseTheImagesTheContainerTestsUse() {
        var images = Map.of(
                Component.REDIS, ContainerInfrastructure.REDIS_IMAGE,
                Component.POSTGRES, ContainerInfrastructure.POSTGRES_IMAGE,
                Component.RABBITMQ, ContainerInfrastructure.RABBITMQ_IMAGE,
                Component.KAFKA, ContainerInfrastructure.KAFKA_IMAGE);
        images.forEach((component, image) -> {
            var statefulSet = resource("StatefulSet", component.id());
            assertThat(statefulSet.path("spec").path("template").path("spec").path("containers").get(0).path("image").asText())
                    .isEqualTo(image);
            assertThat(resource("Service", component.id()).path("spec").path("ports").get(0).path("port").asInt())
                    .isEqualTo(component.defaultPort());
        });
    }

    @Test
    void postgresStartsWithEveryServiceDatabase() {
        var init = resource("ConfigMap", "postgres-init").path("data").path("init-databases.sql").asText();
        DeploymentTopology.databases().forEach(database -> assertThat(init).contains("CREATE DATABASE " + database + ";"));
    }

    /** A rendered resource by kind and name; kustomize suffixes generated ConfigMaps' names with a hash. */
    private static JsonNode resource(String kind, String name) {
        return rendered.stream()
                .filter(node -> node.path("kind").asText().equals(kind))
                .filter(node -> node.path("metadata").path("name").asText().matches(Pattern.quote(name) + "(-[a-z0-9]{10})?"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(kind + " " + name + " is not in deploy/; rendered: " + rendered.stream()
                        .map(node -> node.path("kind").asText() + "/" + node.path("metadata").path("name").asText())
                        .collect(Collectors.joining(", "))));
    }

    /**
     * The manifest quarkus-kubernetes wrote for the service's module on package. A second service
     * from the same module (order-processor runs order-service's jar in another role) gets that
     * manifest under its own name and port; only the image stays the module's.
     */
    private static String generated(ServiceSpec service) throws IOException {
        var manifest = DeploymentTopology.ROOT.resolve(service.module()).resolve("target/kubernetes/kubernetes.yml");
        assertThat(manifest).as("built with ./mvnw package").exists();
        var content = Files.readString(manifest);
        if (service.name().equals(service.module())) {
            return content;
        }
        var modulePort = Topology.service(service.module()).orElseThrow().port();
        return content.lines()
                .map(line -> line.trim().startsWith("image:") ? line : line.replace(service.module(), service.name()))
                .map(line -> line.replaceAll("\\b" + modulePort + "\\b", String.valueOf(service.port())))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static String envFile(ServiceSpec service) {
        var lines = new StringBuilder("# ").append(service.name())
                .append("'s environment in the cluster (what ./sandbox gives it locally, with in-cluster addresses)\n");
        new LinkedHashMap<>(DeploymentTopology.clusterEnvironment(service)).forEach((key, value) -> lines.append(key).append('=').append(value).append('\n'));
        return lines.toString();
    }

    private static String tool(String name) throws IOException, InterruptedException {
        return DeploymentTopology.run(List.of(DeploymentTopology.ROOT.resolve("sandbox").toString(), "tool", name)).strip().lines()
                .reduce((first, last) -> last).orElseThrow();
    }
}

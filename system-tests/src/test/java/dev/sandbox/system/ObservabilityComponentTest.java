package dev.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.cli.ServiceSpec;

/**
 * deploy/observability is a kustomize Component, and every overlay of deploy/ includes it: there it
 * runs Zipkin and Prometheus as ./sandbox and docker-compose.yml do (same images, ports, settings),
 * ships every dashboard and the scrape config, and has every service send its spans to Zipkin under
 * its own name. KubernetesManifestsTest holds each overlay, component included, to the API's
 * schemas and the linter, and its NetworkPolicies to letting Prometheus scrape every service and
 * every service reach Zipkin.
 */
class ObservabilityComponentTest {

    private static final Path COMPONENT = DeploymentTopology.ROOT.resolve("deploy/observability");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<JsonNode> rendered;

    /** What `kubectl apply -k deploy/` applies: the dev overlay. */
    @BeforeAll
    static void render() throws Exception {
        var output = DeploymentTopology.run(List.of(DeploymentTopology.tool("kustomize"), "build", DeploymentTopology.ROOT.resolve("deploy").toString()));
        rendered = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(output)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(rendered::add);
        }
    }

    static List<String> overlays() {
        return KubernetesManifestsTest.OVERLAYS;
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyOverlayIncludesTheComponent(String overlay) throws Exception {
        assertThat(YAML.readTree(COMPONENT.resolve("kustomization.yaml").toFile()).path("kind").asText()).isEqualTo("Component");
        var kustomization = DeploymentTopology.ROOT.resolve("deploy/overlays").resolve(overlay);
        var components = YAML.readTree(kustomization.resolve("kustomization.yaml").toFile()).path("components");
        assertThat(java.util.stream.StreamSupport.stream(components.spliterator(), false)
                .map(component -> kustomization.resolve(component.asText()).normalize()))
                .contains(COMPONENT.normalize());
    }

    @Test
    void zipkinRunsAsInTheSandbox() {
        var container = container(resource("Deployment", "zipkin"));
        assertThat(container.path("image").asText()).isEqualTo("openzipkin/zipkin:" + DeploymentTopology.ZIPKIN_VERSION);
        assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(Component.ZIPKIN.defaultPort());
        assertThat(container.path("env").toString()).contains("\"STORAGE_TYPE\"").contains("\"mem\"");
        assertThat(resource("Service", "zipkin").path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(Component.ZIPKIN.defaultPort());
    }

    @Test
    void prometheusRunsWithTheScrapeConfigAndEveryDashboard() throws Exception {
        var deployment = resource("Deployment", "prometheus");
        var container = container(deployment);
        assertThat(container.path("image").asText()).isEqualTo(DeploymentTopology.PROMETHEUS_IMAGE);
        assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(Component.PROMETHEUS.defaultPort());
        assertThat(container.path("args").toString())
                .contains("--web.console.templates=/etc/prometheus/consoles")
                .contains("--web.console.libraries=/etc/prometheus/console_libraries");
        assertThat(resource("Service", "prometheus").path("spec").path("ports").get(0).path("port").asInt())
                .isEqualTo(Component.PROMETHEUS.defaultPort());

        var config = resource("ConfigMap", "prometheus-config").path("data").path("prometheus.yml").asText();
        assertThat(config).isEqualTo(Files.readString(COMPONENT.resolve("prometheus/kubernetes.yml")));
        assertThat(resource("ConfigMap", "prometheus-consoles").path("data").properties().stream().map(java.util.Map.Entry::getKey).toList())
                .as("every page of deploy/observability/consoles").containsExactlyInAnyOrderElementsOf(files("consoles"));
        assertThat(resource("ConfigMap", "prometheus-console-libraries").path("data").has("sandbox.lib")).isTrue();
        var volumes = deployment.path("spec").path("template").path("spec").path("volumes").toString();
        assertThat(volumes).contains("prometheus-config").contains("prometheus-consoles").contains("prometheus-console-libraries");
    }

    static List<ServiceSpec> deployments() {
        return List.copyOf(DeploymentTopology.deployments().keySet());
    }

    @ParameterizedTest
    @MethodSource("deployments")
    void eachServiceSendsItsSpansToZipkinUnderItsDeploymentsName(ServiceSpec service) {
        var env = container(resource("Deployment", service.name())).path("env");
        var byName = new java.util.HashMap<String, JsonNode>();
        env.forEach(variable -> byName.put(variable.path("name").asText(), variable));
        assertThat(byName.get("SANDBOX_TRACING_ZIPKIN_ENDPOINT").path("value").asText())
                .isEqualTo("http://zipkin:" + Component.ZIPKIN.defaultPort() + "/api/v2/spans");
        assertThat(byName.get("QUARKUS_OTEL_SERVICE_NAME").path("valueFrom").path("fieldRef").path("fieldPath").asText())
                .isEqualTo("metadata.labels['app.kubernetes.io/name']");
        assertThat(resource("Deployment", service.name()).path("spec").path("template").path("metadata").path("labels")
                .path("app.kubernetes.io/name").asText()).isEqualTo(service.name());
    }

    private static List<String> files(String directory) throws Exception {
        try (Stream<Path> files = Files.list(COMPONENT.resolve(directory))) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }

    private static JsonNode container(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec").path("containers").get(0);
    }

    /** A rendered resource by kind and name; kustomize suffixes generated ConfigMaps' names with a hash. */
    private static JsonNode resource(String kind, String name) {
        return rendered.stream()
                .filter(node -> node.path("kind").asText().equals(kind))
                .filter(node -> node.path("metadata").path("name").asText().matches(Pattern.quote(name) + "(-[a-z0-9]{10})?"))
                .findFirst()
                .orElseThrow(() -> new AssertionError(kind + " " + name + " is not rendered; rendered: " + rendered.stream()
                        .map(node -> node.path("kind").asText() + "/" + node.path("metadata").path("name").asText())
                        .collect(Collectors.joining(", "))));
    }
}

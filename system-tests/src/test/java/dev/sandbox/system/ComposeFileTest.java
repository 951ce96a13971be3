package dev.sandbox.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.cli.ServiceSpec;
import dev.sandbox.infra.cli.Topology;
import dev.sandbox.infra.containers.ContainerInfrastructure;

/** docker-compose.yml is valid for Compose itself, and says what ./sandbox does. */
class ComposeFileTest {

    static final List<ServiceSpec> SERVICES = Topology.SERVICES;

    private static JsonNode compose() throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(DeploymentTopology.ROOT.resolve("docker-compose.yml").toFile());
    }

    @Test
    void composeAcceptsTheFile() throws Exception {
        DeploymentTopology.run(List.of("docker-compose", "-f", "docker-compose.yml", "config", "-q"));
    }

    @ParameterizedTest
    @FieldSource("SERVICES")
    void eachServiceRunsAsInTheSandbox(ServiceSpec service) throws Exception {
        var definition = compose().path("services").path(service.name());
        assertThat(definition.isMissingNode()).as(service.name() + " in docker-compose.yml").isFalse();

        var environment = new ObjectMapper().convertValue(definition.path("environment"), Map.class);
        assertThat(environment).containsAllEntriesOf(DeploymentTopology.composeEnvironment(service));
        assertThat(definition.path("image").asText()).isEqualTo(DeploymentTopology.image(service));
        assertThat(definition.path("ports").get(0).asText()).isEqualTo(service.port() + ":" + service.port());
        service.needs().forEach(component ->
                assertThat(definition.path("depends_on").has(component.id())).as(service.name() + " waits for " + component.id()).isTrue());
    }

    @Test
    void serversUseTheImagesTheContainerTestsUse() throws Exception {
        var services = compose().path("services");
        assertThat(services.path(Component.REDIS.id()).path("image").asText()).isEqualTo(ContainerInfrastructure.REDIS_IMAGE);
        assertThat(services.path(Component.POSTGRES.id()).path("image").asText()).isEqualTo(ContainerInfrastructure.POSTGRES_IMAGE);
        assertThat(services.path(Component.RABBITMQ.id()).path("image").asText()).isEqualTo(ContainerInfrastructure.RABBITMQ_IMAGE);
        assertThat(services.path(Component.KAFKA.id()).path("image").asText()).isEqualTo(ContainerInfrastructure.KAFKA_IMAGE);
    }

    @ParameterizedTest
    @FieldSource("SERVICES")
    void eachServiceSendsItsSpansToZipkinUnderItsOwnName(ServiceSpec service) throws Exception {
        var definition = compose().path("services").path(service.name());
        assertThat(definition.path("environment").path("SANDBOX_TRACING_ZIPKIN_ENDPOINT").asText())
                .isEqualTo("http://zipkin:" + Component.ZIPKIN.defaultPort() + "/api/v2/spans");
        assertThat(definition.path("environment").path("QUARKUS_OTEL_SERVICE_NAME").asText()).isEqualTo(service.name());
        assertThat(definition.path("depends_on").has(Component.ZIPKIN.id())).isTrue();
    }

    @Test
    void zipkinAndPrometheusRunAsInTheSandboxWithTheDashboards() throws Exception {
        var services = compose().path("services");
        var zipkin = services.path(Component.ZIPKIN.id());
        assertThat(zipkin.path("image").asText()).isEqualTo("openzipkin/zipkin:" + DeploymentTopology.ZIPKIN_VERSION);
        assertThat(zipkin.path("ports").get(0).asText()).isEqualTo("9411:" + Component.ZIPKIN.defaultPort());
        assertThat(zipkin.path("healthcheck").path("test").toString()).contains("/health");

        var prometheus = services.path(Component.PROMETHEUS.id());
        assertThat(prometheus.path("image").asText()).isEqualTo(DeploymentTopology.PROMETHEUS_IMAGE);
        assertThat(prometheus.path("ports").get(0).asText()).isEqualTo("9090:" + Component.PROMETHEUS.defaultPort());
        assertThat(prometheus.path("healthcheck").path("test").toString()).contains("/-/ready");
        assertThat(prometheus.path("volumes").toString())
                .contains("./deploy/observability/prometheus/compose.yml:/etc/prometheus/prometheus.yml")
                .contains("./deploy/observability/consoles:/etc/prometheus/consoles")
                .contains("./deploy/observability/console_libraries:/etc/prometheus/console_libraries");
        assertThat(prometheus.path("command").toString())
                .contains("--web.console.templates=/etc/prometheus/consoles")
                .contains("--web.console.libraries=/etc/prometheus/console_libraries");
    }

    /** Prometheus scrapes every service by its name and port, labelled as ./sandbox labels it; promtool accepts the file. */
    @Test
    void prometheusScrapesEveryService() throws Exception {
        var file = DeploymentTopology.ROOT.resolve("deploy/observability/prometheus/compose.yml");
        var config = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        var job = config.path("scrape_configs").get(0);
        assertThat(job.path("metrics_path").asText()).isEqualTo("/q/metrics");
        var targets = new java.util.HashMap<String, String>();
        job.path("static_configs").forEach(group -> group.path("targets")
                .forEach(target -> targets.put(group.path("labels").path("service").asText(), target.asText())));
        var expected = new java.util.HashMap<String, String>();
        SERVICES.forEach(service -> expected.put(service.name(), service.name() + ":" + service.port()));
        assertThat(targets).isEqualTo(expected);
        DeploymentTopology.run(List.of("promtool", "check", "config", file.toString()));
    }

    @Test
    void postgresStartsWithEveryServiceDatabase() throws Exception {
        var init = Files.readString(DeploymentTopology.ROOT.resolve("deploy/base/postgres/init-databases.sql"));
        DeploymentTopology.databases().forEach(database -> assertThat(init).contains("CREATE DATABASE " + database + ";"));
    }
}

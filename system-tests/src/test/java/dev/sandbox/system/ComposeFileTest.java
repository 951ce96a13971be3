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

    @Test
    void postgresStartsWithEveryServiceDatabase() throws Exception {
        var init = Files.readString(DeploymentTopology.ROOT.resolve("deploy/base/postgres/init-databases.sql"));
        DeploymentTopology.databases().forEach(database -> assertThat(init).contains("CREATE DATABASE " + database + ";"));
    }
}

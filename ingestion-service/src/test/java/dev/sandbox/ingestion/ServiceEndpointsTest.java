package dev.sandbox.ingestion;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.ServiceContract;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithInfrastructure({Component.KAFKA, Component.POSTGRES})
class ServiceEndpointsTest extends ServiceContract {
}

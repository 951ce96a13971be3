package dev.sandbox.rag;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.ServiceContract;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithInfrastructure({Component.RABBITMQ, Component.REDIS})
class ServiceEndpointsTest extends ServiceContract {
}

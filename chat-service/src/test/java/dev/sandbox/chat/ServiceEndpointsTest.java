package dev.sandbox.chat;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.ServiceContract;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithInfrastructure({Component.REDIS, Component.RABBITMQ})
class ServiceEndpointsTest extends ServiceContract {
}

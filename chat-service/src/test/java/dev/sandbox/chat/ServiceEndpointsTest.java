package dev.sandbox.chat;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.ServiceContract;
import dev.sandbox.infra.testing.GatewayTokens;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@QuarkusTestResource(GatewayTokens.class)
@WithInfrastructure({Component.REDIS, Component.RABBITMQ})
class ServiceEndpointsTest extends ServiceContract {
}

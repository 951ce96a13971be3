package dev.sandbox.gateway;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.ServiceContract;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithInfrastructure({Component.REDIS})
class ServiceEndpointsTest extends ServiceContract {
}

package dev.sandbox.infra.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;

import dev.sandbox.infra.Component;

/**
 * Real servers for a {@code @QuarkusTest}, with one annotation:
 *
 * <pre>
 * &#64;QuarkusTest
 * &#64;WithInfrastructure({Component.KAFKA, Component.POSTGRES})
 * class OrderResourceTest { ... }
 * </pre>
 *
 * The servers are started once per JVM (or reused) and the application is configured to reach them
 * ({@code kafka.bootstrap.servers}, {@code quarkus.datasource.*}, ...). Each test class gets a run id
 * of its own ({@code sandbox.test.run-id}, to use in topic and key names from the test profile:
 * {@code %test.orders.topic=orders.v1-${sandbox.test.run-id}}) and a fresh database.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@WithTestResource(value = InfrastructureTestResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
public @interface WithInfrastructure {

    Component[] value();
}

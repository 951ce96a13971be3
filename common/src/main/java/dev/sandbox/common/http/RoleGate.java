package dev.sandbox.common.http;

import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.common.problem.ProblemTypes;

/**
 * One answer, in every service, to a request for an API this instance's role does not run: 404
 * {@code not-an-api-instance}, before any resource code (see {@link UnservedPaths}).
 */
public class RoleGate {

    private final UnservedPaths unserved;

    RoleGate(Instance<UnservedPaths> unserved) {
        this.unserved = unserved.isResolvable() ? unserved.get() : UnservedPaths.none();
    }

    @ServerRequestFilter
    public void refuseUnserved(ContainerRequestContext request) {
        if (unserved.refuses(request.getUriInfo().getPath())) {
            throw new ProblemException(404, ProblemTypes.NOT_AN_API_INSTANCE, "Not found", unserved.detail());
        }
    }
}

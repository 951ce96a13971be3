package dev.sandbox.orders.http;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.quarkus.narayana.jta.QuarkusTransactionException;

import dev.sandbox.common.http.DatabaseUnavailableMapper;

/** A transaction that failed because PostgreSQL is unreachable: the same 503 as a bare SQL failure (common's mapper). */
public class TransactionFailureMapper {

    @ServerExceptionMapper
    public Response transaction(QuarkusTransactionException e, UriInfo uri) {
        return DatabaseUnavailableMapper.unavailable(e, uri);
    }
}

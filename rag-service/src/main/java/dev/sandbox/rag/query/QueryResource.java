package dev.sandbox.rag.query;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import dev.sandbox.rag.identity.Callers;
import dev.sandbox.rag.quota.Quotas;

/** {@code POST /rag/query} and {@code GET /rag/usage}, for callers the gateway vouches for. */
@Path("/rag")
@Produces(MediaType.APPLICATION_JSON)
public class QueryResource {

    private final QueryService queries;
    private final Callers callers;
    private final Quotas quotas;

    QueryResource(QueryService queries, Callers callers, Quotas quotas) {
        this.queries = queries;
        this.callers = callers;
        this.quotas = quotas;
    }

    @POST
    @Path("/query")
    @Consumes(MediaType.APPLICATION_JSON)
    public Answer query(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, QueryRequest request) {
        var caller = callers.require(authorization);
        return queries.query(caller.subject(), request);
    }

    @GET
    @Path("/usage")
    public Map<String, Object> usage(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        var caller = callers.require(authorization);
        var body = new LinkedHashMap<String, Object>();
        body.put("subject", caller.subject());
        body.put("thisMinute", quotas.thisMinute(caller.subject()));
        body.put("days", quotas.usage(caller.subject(), 7));
        return body;
    }
}

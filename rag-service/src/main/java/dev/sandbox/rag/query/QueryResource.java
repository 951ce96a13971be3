package dev.sandbox.rag.query;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import dev.sandbox.common.problem.ProblemException;

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

    /**
     * The same query, streamed ({@code Accept: text/event-stream}): an event {@code citations}
     * first, then the answer in {@code piece} events (the model's token chunks, or the extractive
     * answer's sentences; only checked sentences), then {@code usage} with the token counts and
     * whether the answer is grounded. Every event's data is JSON. A refusal before the stream starts
     * (401, 400, 429...) is an ordinary problem+json answer; a failure after it started (the LLM
     * provider down or too slow) ends the stream with an {@code error} event carrying the problem.
     */
    @POST
    @Path("/query")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, QueryRequest request, @Context SseEventSink sink,
            @Context Sse sse) {
        var caller = callers.require(authorization);
        var events = new Events(sink, sse);
        try {
            var answer = queries.query(caller.subject(), request, new QueryService.Listener() {
                @Override
                public void citations(List<Citation> citations) {
                    events.send("citations", Map.of("citations", citations));
                }

                @Override
                public void piece(String text) {
                    events.send("piece", Map.of("text", text));
                }
            });
            events.send("usage", Map.of("usage", answer.usage(), "grounded", answer.grounded(), "dropped", answer.dropped()));
        } catch (ProblemException e) {
            if (!events.started()) {
                throw e; // nothing sent yet: an ordinary problem+json answer
            }
            events.send("error", e.problem());
        } finally {
            if (events.started()) {
                sink.close();
            }
        }
    }

    /** Sends events one after another, each awaited: order kept, and a slow client slows the producer. */
    private record Events(SseEventSink sink, Sse sse, AtomicBoolean sent) {

        Events(SseEventSink sink, Sse sse) {
            this(sink, sse, new AtomicBoolean());
        }

        void send(String name, Object data) {
            sent.set(true);
            sink.send(sse.newEventBuilder().name(name).mediaType(MediaType.APPLICATION_JSON_TYPE).data(data).build()).toCompletableFuture()
                    .join();
        }

        boolean started() {
            return sent.get();
        }
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

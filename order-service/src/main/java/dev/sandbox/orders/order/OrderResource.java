package dev.sandbox.orders.order;

import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.orders.idempotency.IdempotencyKeys;
import dev.sandbox.orders.idempotency.IdempotentRequests;
import dev.sandbox.orders.idempotency.StoredResponse;

@Path("/orders")
@Tag(name = "orders")
@Produces(MediaType.APPLICATION_JSON)
public class OrderResource {

    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;

    private final OrderPlacement placement;
    private final Orders orders;
    private final IdempotentRequests idempotency;
    private final ObjectMapper mapper;

    OrderResource(OrderPlacement placement, Orders orders, IdempotentRequests idempotency, ObjectMapper mapper) {
        this.placement = placement;
        this.orders = orders;
        this.idempotency = idempotency;
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Place an order, once per Idempotency-Key",
            description = "A retry with the same key and body returns the stored response with Idempotent-Replayed: true.")
    @APIResponse(responseCode = "201", description = "Placed (or replayed: see Idempotent-Replayed)")
    @APIResponse(responseCode = "400", description = "Missing or invalid Idempotency-Key, or invalid body")
    @APIResponse(responseCode = "409", description = "A request with this key is still in progress; retry after Retry-After")
    @APIResponse(responseCode = "422", description = "This key was used with a different body")
    @APIResponse(responseCode = "503", description = "The idempotency store is unavailable; nothing was executed")
    public Response place(
            @Parameter(in = ParameterIn.HEADER, name = IdempotencyKeys.HEADER, required = true,
                    description = "Unique per operation (a UUID), reused by its retries; 1-255 characters")
            @HeaderParam(IdempotencyKeys.HEADER) String idempotencyKey,
            @Valid @NotNull PlaceOrderRequest body) {
        var key = IdempotencyKeys.require(idempotencyKey);
        var order = PlaceOrder.from(body);
        var request = idempotency.request(key, order);
        var result = idempotency.execute(request, () -> {
            var placed = placement.place(order, request);
            var created = placed.order();
            return new IdempotentRequests.Result(new StoredResponse(201, "/orders/" + created.id(), json(created)), placed.existed());
        });
        var response = result.response();
        var builder = Response.status(response.status()).type(MediaType.APPLICATION_JSON).entity(response.body());
        if (response.location() != null) {
            builder.location(URI.create(response.location()));
        }
        if (result.replayed()) {
            builder.header(IdempotencyKeys.REPLAYED_HEADER, "true");
        }
        return builder.build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "An order, with its status and how many charges the payment ledger has for it")
    @APIResponse(responseCode = "200", description = "The order")
    @APIResponse(responseCode = "404", description = "No such order")
    public Order get(@PathParam("id") String id) throws SQLException {
        var uuid = parseId(id);
        return orders.find(uuid).orElseThrow(() -> new ProblemException(404, "order-not-found", "Not found",
                "no order " + uuid));
    }

    @GET
    @Operation(summary = "Orders, newest first, a page at a time; pass nextCursor back as cursor for the next page")
    public OrderPage list(@QueryParam("customerId") String customerId,
            @Parameter(description = "1 to " + MAX_LIMIT + ", default " + DEFAULT_LIMIT) @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) throws SQLException {
        return orders.page(customerId == null || customerId.isBlank() ? null : customerId,
                cursor == null || cursor.isBlank() ? null : Cursor.decode(cursor), parseLimit(limit));
    }

    /** Parsed here, not by JAX-RS: a query parameter it cannot convert would be a 404, not a 400. */
    private static int parseLimit(String limit) {
        if (limit == null || limit.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            var value = Integer.parseInt(limit);
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ProblemException.badRequest("limit must be a number from 1 to " + MAX_LIMIT,
                List.of(new Problem.FieldError("limit", "a number from 1 to " + MAX_LIMIT)));
    }

    private static UUID parseId(String id) {
        try {
            if (id.length() == 36) { // UUID.fromString also takes shortened forms like 1-2-3-4-5
                return UUID.fromString(id);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw ProblemException.badRequest("not an order id: " + id, List.of(new Problem.FieldError("id", "not a UUID")));
    }

    private String json(Order order) {
        try {
            return mapper.writeValueAsString(order);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

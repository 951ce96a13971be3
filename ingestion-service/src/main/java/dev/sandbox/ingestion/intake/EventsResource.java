package dev.sandbox.ingestion.intake;

import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import dev.sandbox.common.problem.Problem;
import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.ingestion.parse.BodyFormat;

/**
 * {@code POST /events}: an upload of events as a JSON array, NDJSON or CSV, read as a stream on a
 * worker thread (a blocking method with an {@link InputStream} body: Quarkus hands over the body
 * as it arrives, it does not buffer it).
 */
@Path("/events")
@Tag(name = "Events")
public class EventsResource {

    public static final String NDJSON = "application/x-ndjson";
    public static final String CSV = "text/csv";

    private final Intake intake;

    EventsResource(Intake intake) {
        this.intake = intake;
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, NDJSON, CSV})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ingest a batch of events", description = """
            Events are {id, type, source, ts, payload}; id is the client's and makes resending safe. \
            The body is a JSON array, NDJSON (one event per line) or CSV (RFC 4180, a header row; extra \
            columns go into the payload), streamed. The answer comes once Kafka has every accepted record. \
            Bad records are listed by line or row and do not hold back the good ones, unless strict=true.""")
    @APIResponse(responseCode = "202", description = "Every accepted record is in Kafka; rejected ones are listed")
    @APIResponse(responseCode = "400", description = "The body cannot be read (or, strict, a record is invalid)")
    @APIResponse(responseCode = "408", description = "The body arrived too slowly")
    @APIResponse(responseCode = "413", description = "The body is over the size limit")
    @APIResponse(responseCode = "415", description = "Not JSON, NDJSON or CSV, or not UTF-8")
    @APIResponse(responseCode = "429", description = "Too many uploads at once; see Retry-After")
    @APIResponse(responseCode = "503", description = "Kafka is unavailable or behind; see Retry-After")
    public RestResponse<IntakeResult> ingest(
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(HttpHeaders.CONTENT_LENGTH) Long contentLength,
            @Parameter(description = "Accept all records or none (a Kafka transaction per upload)")
            @QueryParam("strict") @DefaultValue("false") boolean strict,
            InputStream body) {
        var format = BodyFormat.of(contentType).orElseThrow();
        requireUtf8(contentType);
        if (contentLength != null && contentLength > intake.maxBodyBytes()) {
            throw new ProblemException(413, "body-too-large", "Request body too large",
                    "the body is " + contentLength + " bytes, over the limit of " + intake.maxBodyBytes());
        }
        return RestResponse.status(RestResponse.Status.ACCEPTED, intake.ingest(format, body, strict));
    }

    private static void requireUtf8(String contentType) {
        var charset = MediaType.valueOf(contentType).getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset != null && !isUtf8(charset)) {
            throw new ProblemException(415, "unsupported-media-type", "Unsupported Media Type",
                    "bodies are UTF-8; charset=" + charset + " is not supported", List.of(new Problem.FieldError("Content-Type",
                            "charset must be utf-8")), Map.of());
        }
    }

    private static boolean isUtf8(String charset) {
        try {
            return Charset.forName(charset).equals(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException unknownOrIllegal) {
            return false;
        }
    }
}

package dev.sandbox.rag.document;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.sandbox.common.problem.ProblemException;
import dev.sandbox.rag.chunk.DocumentParser.Format;
import dev.sandbox.rag.identity.Callers;
import dev.sandbox.rag.index.DocumentRecord;
import dev.sandbox.rag.quota.Quotas;

/**
 * The documents: {@code POST /rag/documents} (JSON, or a text/plain, text/markdown or text/html body
 * with {@code ?title=}) answers 202 with the document's id once its job is on the work queue;
 * {@code GET /rag/documents/{id}} tells where it is ({@code ?text=true} adds the stored text);
 * {@code GET /rag/documents} lists them in id order ({@code cursor} from {@code next});
 * {@code DELETE} removes it and its chunks.
 */
@Path("/rag/documents")
@Produces(MediaType.APPLICATION_JSON)
public class DocumentResource {

    private final Documents documents;
    private final Callers callers;
    private final Quotas quotas;

    DocumentResource(Documents documents, Callers callers, Quotas quotas) {
        this.documents = documents;
        this.callers = callers;
        this.quotas = quotas;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response postJson(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, IngestRequest request) {
        var caller = callers.require(authorization);
        if (request == null) {
            throw Documents.invalid("body", "a JSON object {title, text} is required");
        }
        quotas.countRequest(caller.subject());
        var format = request.format() == null ? Format.MARKDOWN : format(request.format());
        return accepted(documents.accept(request.id(), request.title(), request.text(), format, request.source(), request.metadata()));
    }

    @POST
    @Consumes({MediaType.TEXT_PLAIN, "text/markdown", MediaType.TEXT_HTML})
    public Response postText(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, @QueryParam("title") String title, @QueryParam("id") String id,
            @QueryParam("source") String source, byte[] body) {
        var caller = callers.require(authorization);
        quotas.countRequest(caller.subject());
        var type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        var format = type.startsWith("text/html") ? Format.HTML : type.startsWith("text/markdown") ? Format.MARKDOWN : Format.PLAIN;
        return accepted(documents.accept(id, title, Documents.utf8(body == null ? new byte[0] : body), format, source, Map.of()));
    }

    private static Format format(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "markdown" -> Format.MARKDOWN;
            case "plain", "text" -> Format.PLAIN;
            case "html" -> Format.HTML;
            default -> throw Documents.invalid("format", "one of markdown, plain, html");
        };
    }

    private static Response accepted(Documents.Accepted accepted) {
        var body = Map.of("documentId", accepted.documentId(), "status", accepted.status().name().toLowerCase(Locale.ROOT));
        return Response.accepted(body).location(URI.create("/rag/documents/" + accepted.documentId())).build();
    }

    @GET
    @Path("/{id}")
    public Map<String, Object> get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id,
            @QueryParam("text") boolean text) {
        callers.require(authorization);
        var record = documents.get(id).orElseThrow(() -> notFound(id));
        return view(record, text);
    }

    @GET
    public Map<String, Object> list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        callers.require(authorization);
        var size = limit == null ? 50 : limit;
        if (size < 1 || size > 500) {
            throw Documents.invalid("limit", "between 1 and 500");
        }
        var page = documents.list(cursor, size + 1);
        var items = page.stream().limit(size).map(record -> view(record, false)).toList();
        var body = new LinkedHashMap<String, Object>();
        body.put("items", items);
        body.put("next", page.size() > size ? page.get(size - 1).documentId() : null);
        return body;
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        callers.require(authorization);
        if (!documents.delete(id)) {
            throw notFound(id);
        }
        return Response.noContent().build();
    }

    private static Map<String, Object> view(DocumentRecord record, boolean withText) {
        var view = new LinkedHashMap<String, Object>();
        view.put("documentId", record.documentId());
        view.put("title", record.title());
        view.put("status", record.status().name().toLowerCase(Locale.ROOT));
        view.put("chunks", record.chunks());
        if (record.error() != null) {
            view.put("error", record.error());
        }
        view.put("format", record.format());
        if (record.source() != null) {
            view.put("source", record.source());
        }
        view.put("metadata", record.metadata());
        view.put("contentHash", record.contentHash());
        if (withText) {
            view.put("text", record.text());
        }
        return view;
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(404, "not-found", "No such document", "No document has the id " + id + ".");
    }
}

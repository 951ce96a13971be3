package dev.sandbox.system.observability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One trace as the trace store answers it ({@code GET /api/v2/trace/{id}}, Zipkin's JSON v2): its
 * spans, their parent links, and the questions a span-tree assertion asks. Zipkin lower-cases span
 * and service names.
 */
record Trace(String id, List<Span> spans) {

    /** A span: which service made it, its name and kind (SERVER, CLIENT, PRODUCER, CONSUMER, or empty), its parent. */
    record Span(String id, String parentId, String service, String name, String kind, long timestamp, Map<String, String> tags) {

        boolean isRoot() {
            return parentId == null;
        }

        @Override
        public String toString() {
            return service + " | " + name + (kind.isEmpty() ? "" : " (" + kind.toLowerCase() + ")");
        }
    }

    /** A step of a flow: a span whose service and name match {@code service} and {@code name} (regular expressions). */
    record Hop(Pattern service, Pattern name) {

        static Hop of(String service, String name) {
            return new Hop(Pattern.compile(service), Pattern.compile(name));
        }

        boolean matches(Span span) {
            return service.matcher(span.service()).matches() && name.matcher(span.name()).matches();
        }

        @Override
        public String toString() {
            return service.pattern() + " | " + name.pattern();
        }
    }

    static Trace parse(String id, JsonNode json) {
        var spans = new ArrayList<Span>();
        for (var node : json) {
            var tags = new LinkedHashMap<String, String>();
            node.path("tags").properties().forEach(tag -> tags.put(tag.getKey(), tag.getValue().asText()));
            spans.add(new Span(node.path("id").asText(),
                    node.hasNonNull("parentId") ? node.path("parentId").asText() : null,
                    node.path("localEndpoint").path("serviceName").asText(""),
                    node.path("name").asText(""),
                    node.path("kind").asText(""),
                    node.path("timestamp").asLong(),
                    Map.copyOf(tags)));
        }
        spans.sort(Comparator.comparingLong(Span::timestamp));
        return new Trace(id, List.copyOf(spans));
    }

    List<Span> roots() {
        return spans.stream().filter(Span::isRoot).toList();
    }

    /** Spans whose parent is not in the trace: where a hop lost the context, or a parent never arrived. */
    List<Span> orphans() {
        var ids = spans.stream().map(Span::id).collect(Collectors.toSet());
        return spans.stream().filter(span -> !span.isRoot() && !ids.contains(span.parentId())).toList();
    }

    Set<String> services() {
        return spans.stream().map(Span::service).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    Optional<Span> parentOf(Span span) {
        return spans.stream().filter(candidate -> candidate.id().equals(span.parentId())).findFirst();
    }

    boolean isDescendant(Span span, Span ancestor) {
        for (var parent = parentOf(span); parent.isPresent(); parent = parentOf(parent.get())) {
            if (parent.get().id().equals(ancestor.id())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The spans that walk the flow: one per hop, each a descendant of the one before (the first
     * one anywhere), or empty when the trace holds no such path.
     */
    Optional<List<Span>> path(List<Hop> hops) {
        return path(hops, 0, null);
    }

    private Optional<List<Span>> path(List<Hop> hops, int next, Span after) {
        if (next == hops.size()) {
            return Optional.of(List.of());
        }
        for (var span : spans) {
            if (hops.get(next).matches(span) && (after == null || isDescendant(span, after))) {
                var rest = path(hops, next + 1, span);
                if (rest.isPresent()) {
                    var found = new ArrayList<Span>();
                    found.add(span);
                    found.addAll(rest.get());
                    return Optional.of(found);
                }
            }
        }
        return Optional.empty();
    }

    /** The tree, indented, for a failure message: what was there when the expected path was not. */
    String render() {
        var text = new StringBuilder("trace ").append(id).append(" (").append(spans.size()).append(" spans)\n");
        roots().forEach(root -> render(root, 1, text));
        orphans().forEach(orphan -> {
            text.append("  orphan, parent ").append(orphan.parentId()).append(" missing:\n");
            render(orphan, 2, text);
        });
        return text.toString();
    }

    private void render(Span span, int depth, StringBuilder text) {
        text.append("  ".repeat(depth)).append(span).append('\n');
        spans.stream().filter(child -> span.id().equals(child.parentId())).forEach(child -> render(child, depth + 1, text));
    }
}

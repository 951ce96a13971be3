package dev.sandbox.system;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Kubernetes NetworkPolicy semantics for pods of one namespace, enough to ask of rendered manifests
 * whether one pod may open a TCP connection to another: the source's egress and the destination's
 * ingress must both allow it. A pod no policy of a direction selects is open in that direction;
 * a pod some policy selects is open only to what one of their rules allows. A rule without peers
 * allows every peer, one without ports every port; a peer that names a namespace or an address
 * block is taken to mean pods elsewhere, never a pod of this namespace.
 */
final class NetworkPolicies {

    private NetworkPolicies() {
    }

    /** Whether a pod labelled {@code from} may connect to a pod labelled {@code to} on a TCP port. */
    static boolean allow(List<JsonNode> policies, Map<String, String> from, Map<String, String> to, int port) {
        return permits(policies, from, "Egress", "to", to, port) && permits(policies, to, "Ingress", "from", from, port);
    }

    private static boolean permits(List<JsonNode> policies, Map<String, String> pod, String type, String peers,
            Map<String, String> peer, int port) {
        var selecting = policies.stream()
                .filter(policy -> selects(policy.path("spec").path("podSelector"), pod))
                .filter(policy -> types(policy.path("spec")).contains(type))
                .toList();
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream().flatMap(policy -> stream(policy.path("spec").path(type.toLowerCase())))
                .anyMatch(rule -> (rule.path(peers).isEmpty() || stream(rule.path(peers)).anyMatch(candidate -> samePod(candidate, peer)))
                        && (rule.path("ports").isEmpty() || stream(rule.path("ports")).anyMatch(entry -> entry.path("protocol").asText("TCP").equals("TCP")
                                && entry.path("port").asInt(-1) == port)));
    }

    /** A peer of a rule that names pods of this namespace by their labels. */
    private static boolean samePod(JsonNode peer, Map<String, String> labels) {
        return peer.has("podSelector") && !peer.has("namespaceSelector") && !peer.has("ipBlock")
                && selects(peer.path("podSelector"), labels);
    }

    private static boolean selects(JsonNode selector, Map<String, String> labels) {
        if (selector.has("matchExpressions")) {
            throw new AssertionError("matchExpressions are not evaluated here: " + selector);
        }
        return selector.path("matchLabels").properties().stream()
                .allMatch(entry -> entry.getValue().asText().equals(labels.get(entry.getKey())));
    }

    /** The directions a policy isolates: as listed, or by default Ingress, and Egress if it has egress rules. */
    private static Set<String> types(JsonNode spec) {
        if (spec.has("policyTypes")) {
            return stream(spec.path("policyTypes")).map(JsonNode::asText).collect(Collectors.toSet());
        }
        return spec.has("egress") ? Set.of("Ingress", "Egress") : Set.of("Ingress");
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }
}

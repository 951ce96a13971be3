package dev.sandbox.rag.query;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The one stand-in of the project: no language model can run on the machines that build it, so the
 * LLM answerer is tested against this local OpenAI-compatible server (a real HTTP server speaking
 * the real wire format: {@code POST /v1/chat/completions} streamed as server-sent events, the usage
 * in the last chunk). It answers with the tokens a test scripts, records every request it gets (so
 * a test can see the prompt), and can fail (500), be slow, or be down (its port closed). It also
 * serves {@code POST /v1/embeddings}, so the application under test embeds through it too.
 */
public final class OpenAiStandIn implements QuarkusTestResourceLifecycleManager {

    /** What the stand-in does with the next requests. */
    public enum Behaviour {
        ANSWER, FAIL, SLOW
    }

    public static final String EMBEDDING_MODEL = "stand-in-embed";
    public static final int PROMPT_TOKENS = 321;
    public static final int COMPLETION_TOKENS = 45;

    static volatile Behaviour behaviour = Behaviour.ANSWER;
    static volatile List<String> tokens = List.of("I don't know.");
    static final List<String> requests = new CopyOnWriteArrayList<>();
    static final List<String> embeddingRequests = new CopyOnWriteArrayList<>();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static HttpServer server;
    private static int port;

    @Override
    public Map<String, String> start() {
        port = 0;
        up();
        var url = "http://127.0.0.1:" + port + "/v1";
        var run = java.util.UUID.randomUUID().toString().substring(0, 8);
        // An index and a queue of their own: these vectors are not MiniLM's.
        return Map.of("rag.llm.base-url", url, "rag.llm.model", "stand-in", "rag.llm.timeout", "3s", "rag.embedding.provider", "openai",
                "rag.embedding.base-url", url, "rag.embedding.model", EMBEDDING_MODEL, "rag.data-dir", "target/rag-data/openai-" + run,
                "rag.ingest.queue", "rag.ingest-openai-" + run);
    }

    @Override
    public void stop() {
        down();
    }

    /** Listens again, on the same port as before. */
    static synchronized void up() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/chat/completions", OpenAiStandIn::complete);
        server.createContext("/v1/embeddings", OpenAiStandIn::embed);
        server.start();
        port = server.getAddress().getPort();
    }

    /** Closes the port: the provider is down. */
    static synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    private static void complete(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            switch (behaviour) {
                case FAIL -> {
                    var body = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}".getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(500, body.length);
                    exchange.getResponseBody().write(body);
                }
                case SLOW -> {
                    sleep(8_000);
                    stream(exchange);
                }
                case ANSWER -> stream(exchange);
            }
        }
    }

    /**
     * {@code POST /v1/embeddings}: a deterministic 384-dimension bag of words per input (each word
     * hashed to a dimension, the vector normalised), so that vector search finds shared words.
     */
    private static void embed(HttpExchange exchange) throws IOException {
        try (exchange) {
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            embeddingRequests.add(body);
            var inputs = JSON.readTree(body).get("input");
            var data = new java.util.ArrayList<Map<String, Object>>();
            var tokens = 0;
            for (var i = 0; i < inputs.size(); i++) {
                var vector = new double[384];
                for (var word : inputs.get(i).asText().toLowerCase(java.util.Locale.ROOT).split("\\W+")) {
                    if (!word.isEmpty()) {
                        vector[Math.floorMod(word.hashCode(), 384)] += 1;
                        tokens++;
                    }
                }
                vector[0] += 0.01;
                var norm = Math.sqrt(java.util.Arrays.stream(vector).map(x -> x * x).sum());
                data.add(Map.of("object", "embedding", "index", i, "embedding", java.util.Arrays.stream(vector).map(x -> x / norm).toArray()));
            }
            var answer = JSON.writeValueAsBytes(Map.of("object", "list", "model", EMBEDDING_MODEL, "data", data, "usage",
                    Map.of("prompt_tokens", tokens, "total_tokens", tokens)));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    private static void stream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        var out = exchange.getResponseBody();
        for (var token : tokens) {
            event(out, Map.of("id", "c-1", "object", "chat.completion.chunk", "created", 0, "model", "stand-in", "choices",
                    List.of(Map.of("index", 0, "delta", Map.of("content", token)))));
        }
        event(out, Map.of("id", "c-1", "object", "chat.completion.chunk", "created", 0, "model", "stand-in", "choices",
                List.of(Map.of("index", 0, "delta", Map.of(), "finish_reason", "stop"))));
        event(out, Map.of("id", "c-1", "object", "chat.completion.chunk", "created", 0, "model", "stand-in", "choices", List.of(), "usage",
                Map.of("prompt_tokens", PROMPT_TOKENS, "completion_tokens", COMPLETION_TOKENS, "total_tokens",
                        PROMPT_TOKENS + COMPLETION_TOKENS)));
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void event(OutputStream out, Object data) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.sandbox.rag.query;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.GatewayTokens;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The OpenAI-compatible providers against a local OpenAI-compatible server ({@link OpenAiStandIn}).
 * The LLM answerer: the stand-in answers with supported and unsupported sentences, and only the
 * supported ones reach the caller, in JSON and in the stream; citations are the retrieved chunks;
 * the provider's token counts are charged; no personal data reaches the prompt; the provider
 * failing, down or slow is a 503 or 504, never a 500. The embeddings: this application embeds
 * through the stand-in, and its cache keys name that model.
 */
@QuarkusTest
@WithInfrastructure({Component.RABBITMQ, Component.REDIS})
@QuarkusTestResource(GatewayTokens.class)
@QuarkusTestResource(OpenAiStandIn.class)
class LlmAnswerTest {

    /** A caller per test: each has a token quota of its own. */
    final String token = GatewayTokens.token("llm-" + UUID.randomUUID().toString().substring(0, 8), "rag");
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern MARKER = Pattern.compile("\\[(\\d+)]");

    @TestHTTPResource("/rag/query")
    URI queryUri;

    @jakarta.inject.Inject
    io.quarkus.redis.datasource.RedisDataSource redis;

    @AfterEach
    void answerAgain() {
        OpenAiStandIn.behaviour = OpenAiStandIn.Behaviour.ANSWER;
    }

    /** A document of one chunk, indexed; returns its id and the marker that makes it the first hit. */
    String[] tideMill() {
        var marker = "m" + UUID.randomUUID().toString().substring(0, 8);
        var text = "# Tide mill " + marker + "\n\nThe tide mill of " + marker
                + " grinds barley when the ebb turns its wheel. Its pond fills through a sluice gate at high water.\n";
        String id = given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("title", "Tide mill " + marker, "text", text))
                .post("/rag/documents").then().statusCode(202).extract().path("documentId");
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> "indexed".equals(given().auth().oauth2(token).get("/rag/documents/" + id).then().extract().path("status")));
        return new String[] {id, marker};
    }

    /** One supported sentence, then an unsupported claim, an uncited one and one citing a chunk never retrieved. */
    static void script(String marker) {
        OpenAiStandIn.tokens = List.of("The tide", " mill of " + marker + " grinds", " barley when the ebb", " turns its wheel [1", "].",
                " The miller", " was paid in", " Roman gold [1].", " Mills are", " lovely.", " Its pond fills", " through a sluice gate [7].");
    }

    static Map<String, Object> llmQuestion(String marker) {
        return Map.of("question", "What does the tide mill of " + marker + " grind? Write to mill.owner@example.org or call +1 415 555 0132.",
                "mode", "bm25", "k", 2, "answer", "llm");
    }

    @Test
    void unsupportedSentencesAreDroppedAndTheProvidersTokensCharged() {
        var document = tideMill();
        script(document[1]);
        OpenAiStandIn.requests.clear();
        var response = given().auth().oauth2(token).contentType(ContentType.JSON).body(llmQuestion(document[1])).post("/rag/query").then()
                .statusCode(200).extract().jsonPath();

        assertThat(response.getString("answer"))
                .isEqualTo("The tide mill of " + document[1] + " grinds barley when the ebb turns its wheel [1].");
        assertThat(response.getBoolean("grounded")).isTrue();
        assertThat(response.getInt("dropped")).isEqualTo(3);
        List<Map<String, Object>> citations = response.getList("citations");
        assertThat(citations.getFirst().get("documentId")).isEqualTo(document[0]);
        var marks = MARKER.matcher(response.getString("answer"));
        while (marks.find()) {
            assertThat(Integer.parseInt(marks.group(1))).isBetween(1, citations.size());
        }
        assertThat(response.getInt("usage.promptTokens")).isEqualTo(OpenAiStandIn.PROMPT_TOKENS);
        assertThat(response.getInt("usage.completionTokens")).isEqualTo(OpenAiStandIn.COMPLETION_TOKENS);

        // What the provider was given: the retrieved chunk, numbered, and no personal data.
        assertThat(OpenAiStandIn.requests).hasSize(1);
        var prompt = OpenAiStandIn.requests.getFirst();
        assertThat(prompt).contains("[1] Tide mill " + document[1]).contains("grinds barley when the ebb turns its wheel")
                .contains("[EMAIL]").contains("[PHONE]").doesNotContain("mill.owner").doesNotContain("555");
    }

    @Test
    void theStreamSendsCitationsThenCheckedTokensThenUsage() throws Exception {
        var document = tideMill();
        script(document[1]);
        var events = stream(token, llmQuestion(document[1]));

        assertThat(events.getFirst().name()).isEqualTo("citations");
        assertThat(events.getFirst().data().get("citations").get(0).get("documentId").asText()).isEqualTo(document[0]);
        assertThat(events.getLast().name()).isEqualTo("usage");
        assertThat(events.getLast().data().get("usage").get("promptTokens").asInt()).isEqualTo(OpenAiStandIn.PROMPT_TOKENS);
        assertThat(events.getLast().data().get("dropped").asInt()).isEqualTo(3);
        var pieces = events.subList(1, events.size() - 1);
        assertThat(pieces).allSatisfy(event -> assertThat(event.name()).isEqualTo("piece"));
        // The model's own token chunks, and only those of the supported sentence.
        assertThat(pieces.stream().map(event -> event.data().get("text").asText()).toList())
                .containsExactly("The tide", " mill of " + document[1] + " grinds", " barley when the ebb", " turns its wheel [1", "].");

        // The extractive answer streams sentence by sentence, the same answer as its JSON form.
        var extractive = Map.<String, Object>of("question", "What does the tide mill of " + document[1] + " grind?", "mode", "bm25");
        var json = given().auth().oauth2(token).contentType(ContentType.JSON).body(extractive).post("/rag/query").then().statusCode(200)
                .extract().jsonPath().getString("answer");
        var streamed = stream(token, extractive);
        assertThat(streamed.getFirst().name()).isEqualTo("citations");
        assertThat(streamed.getLast().name()).isEqualTo("usage");
        assertThat(streamed.subList(1, streamed.size() - 1).stream().map(event -> event.data().get("text").asText())
                .reduce("", String::concat)).isEqualTo(json).contains("grinds barley");
    }

    @Test
    void aProviderThatFailsIsDownOrIsSlowIsA503Or504() throws Exception {
        var document = tideMill();
        script(document[1]);
        var question = llmQuestion(document[1]);

        OpenAiStandIn.behaviour = OpenAiStandIn.Behaviour.FAIL;
        given().auth().oauth2(token).contentType(ContentType.JSON).body(question).post("/rag/query").then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", "5")
                .body("type", org.hamcrest.Matchers.endsWith("llm-unavailable"));
        var events = stream(token, question);
        assertThat(events.getFirst().name()).isEqualTo("citations");
        assertThat(events.getLast().name()).isEqualTo("error");
        assertThat(events.getLast().data().get("status").asInt()).isEqualTo(503);

        OpenAiStandIn.down();
        try {
            given().auth().oauth2(token).contentType(ContentType.JSON).body(question).post("/rag/query").then().statusCode(503)
                    .contentType("application/problem+json").body("type", org.hamcrest.Matchers.endsWith("llm-unavailable"));
            // The embedding provider is the same server: a question to embed meets it down too.
            given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("question", "Which mill? " + UUID.randomUUID(), "mode", "vector"))
                    .post("/rag/query").then().statusCode(503).contentType("application/problem+json")
                    .body("type", org.hamcrest.Matchers.endsWith("embedding-unavailable"));
        } finally {
            OpenAiStandIn.up();
        }

        OpenAiStandIn.behaviour = OpenAiStandIn.Behaviour.SLOW;
        given().auth().oauth2(token).contentType(ContentType.JSON).body(question).post("/rag/query").then().statusCode(504)
                .contentType("application/problem+json").body("type", org.hamcrest.Matchers.endsWith("llm-timeout"));
    }

    @Test
    void embeddingsComeFromTheConfiguredProviderAndTheCacheKeyNamesIt() {
        OpenAiStandIn.embeddingRequests.clear();
        var document = tideMill();
        assertThat(OpenAiStandIn.embeddingRequests)
                .anySatisfy(body -> assertThat(body).contains(OpenAiStandIn.EMBEDDING_MODEL).contains("grinds barley"));
        var response = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("question", "Which mill grinds barley, " + document[1] + "?", "mode", "vector", "k", 3)).post("/rag/query").then()
                .statusCode(200).extract().jsonPath();
        assertThat(response.getString("citations[0].documentId")).isEqualTo(document[0]);
        assertThat(response.getInt("usage.embeddingTokens")).isPositive();
        // The cache is written after the vectors are in hand, without waiting for Redis' answer.
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(redis.key().keys("rag:emb:openai:" + OpenAiStandIn.EMBEDDING_MODEL + ":*")).isNotEmpty());
    }

    @Test
    void aStreamRefusedBeforeItStartsIsAProblem() throws Exception {
        var request = HttpRequest.newBuilder(queryUri).header("Accept", "text/event-stream").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"question\":\"anything\"}")).build();
        try (var client = HttpClient.newHttpClient()) {
            var response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        }
    }

    record Event(String name, JsonNode data) {
    }

    /** Posts a query with {@code Accept: text/event-stream} and reads the whole stream. */
    List<Event> stream(String token, Map<String, Object> body) throws Exception {
        var request = HttpRequest.newBuilder(queryUri).header("Authorization", "Bearer " + token).header("Accept", "text/event-stream")
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        try (var client = HttpClient.newHttpClient()) {
            var response = client.send(request, HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
            var events = new ArrayList<Event>();
            String name = null;
            var data = new StringBuilder();
            for (var line : (Iterable<String>) response.body()::iterator) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                } else if (line.isEmpty() && name != null) {
                    events.add(new Event(name, JSON.readTree(data.toString())));
                    name = null;
                    data.setLength(0);
                }
            }
            return events;
        }
    }
}

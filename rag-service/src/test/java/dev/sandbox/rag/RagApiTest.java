package dev.sandbox.rag;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.GatewayTokens;
import dev.sandbox.infra.testing.WithInfrastructure;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithInfrastructure({Component.RABBITMQ, Component.REDIS})
@QuarkusTestResource(GatewayTokens.class)
class RagApiTest {

    static final String BOB = GatewayTokens.token("bob", "rag");

    static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static String ingest(String title, String text) {
        return given().auth().oauth2(BOB).contentType(ContentType.JSON).body(Map.of("title", title, "text", text))
                .post("/rag/documents").then().statusCode(202).extract().path("documentId");
    }

    static void awaitIndexed(String id) {
        Awaitility.await(id + " indexed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> "indexed".equals(given().auth().oauth2(BOB).get("/rag/documents/" + id).then().extract().path("status")));
    }

    @Test
    void ingestsAndAnswersWithCitations() {
        var marker = unique();
        var text = """
                # Lighthouse %s

                ## Keepers

                The lighthouse keeper of %s trims the wick every evening at dusk. The keeper also logs passing ships.

                ## Lamps

                The lamp burns whale oil in winter and colza oil in summer.
                """.formatted(marker, marker);
        var id = ingest("Lighthouse " + marker, text);
        awaitIndexed(id);
        var response = given().auth().oauth2(BOB).contentType(ContentType.JSON)
                .body(Map.of("question", "When does the keeper of " + marker + " trim the wick?"))
                .post("/rag/query").then().statusCode(200).extract().jsonPath();
        assertThat(response.getBoolean("grounded")).isTrue();
        assertThat(response.getString("answer")).contains("trims the wick every evening at dusk");
        List<Map<String, Object>> citations = response.getList("citations");
        assertThat(citations).isNotEmpty();
        var stored = given().auth().oauth2(BOB).get("/rag/documents/" + id + "?text=true").then().extract().<String>path("text");
        assertThat(stored).isEqualTo(text);
        citations.stream().filter(c -> id.equals(c.get("documentId")))
                .forEach(c -> assertThat(stored).contains((String) c.get("text")));
        assertThat(response.getInt("usage.promptTokens")).isPositive();
    }

    @Test
    void withoutATokenIs401() {
        given().contentType(ContentType.JSON).body(Map.of("question", "anything")).post("/rag/query").then().statusCode(401);
        given().auth().oauth2(GatewayTokens.token("mallory", "chat")).contentType(ContentType.JSON).body(Map.of("question", "x"))
                .post("/rag/query").then().statusCode(403);
    }

    @Test
    void weakEvidenceIsIDontKnow() {
        given().auth().oauth2(BOB).contentType(ContentType.JSON)
                .body(Map.of("question", "What is the airspeed velocity of an unladen swallow " + unique() + "?"))
                .post("/rag/query").then().statusCode(200).body("grounded", equalTo(false));
    }
}

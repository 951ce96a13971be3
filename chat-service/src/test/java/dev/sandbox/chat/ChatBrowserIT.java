package dev.sandbox.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.sandbox.chat.testing.ChatNodes;
import dev.sandbox.chat.testing.Tokens;
import dev.sandbox.infra.Component;
import dev.sandbox.infra.testing.HeadlessChromium;
import dev.sandbox.infra.testing.TestInfrastructure;

/**
 * The page chat-service serves ({@code /chat/}), in real headless Chromium: two sessions in one
 * room, on different nodes, see each other's messages and who is online; the node one of them is on
 * is killed, its page reconnects to the other node by itself and catches up with nothing missing.
 */
class ChatBrowserIT {

    @Test
    void twoBrowsersChatAcrossNodesAndSurviveANodeKill() {
        HeadlessChromium.assumeInstalled();
        var infra = TestInfrastructure.with(Component.REDIS, Component.RABBITMQ);
        var settings = Map.of("CHAT_NAMESPACE", "chat-" + infra.runId(), "QUARKUS_LOG_LEVEL", "WARN");
        var a = ChatNodes.node(infra, "chat-service", "browser-a-" + infra.runId(), settings);
        var b = ChatNodes.node(infra, "chat-service-2", "browser-b-" + infra.runId(), settings);
        WebDriver alice = null;
        WebDriver bob = null;
        try {
            a.start();
            b.start();
            a.awaitReady();
            b.awaitReady();
            var room = "browser-" + UUID.randomUUID().toString().substring(0, 8);
            alice = browser();
            bob = browser();
            alice.get(page(a.url(), List.of(a.url(), b.url()), room, "alice"));
            bob.get(page(b.url(), List.of(b.url(), a.url()), room, "bob"));
            awaitText(alice, By.id("status"), "connected as alice");
            awaitText(bob, By.id("status"), "connected as bob");
            awaitText(alice, By.id("presence"), "bob");

            say(alice, "hello from alice \uD83D\uDC4B");
            say(bob, "hi alice, \"bob\" here");
            awaitMessages(alice, 2);
            awaitMessages(bob, 2);

            a.kill();
            say(bob, "while you were away 1");
            say(bob, "while you were away 2");
            // Alice's page reconnects to node b by itself and resumes from its last seq.
            awaitText(alice, By.id("status"), "connected as alice");
            awaitMessages(alice, 4);
            say(alice, "back");
            awaitMessages(bob, 5);
            awaitMessages(alice, 5);
            assertThat(texts(alice)).containsExactly("hello from alice \uD83D\uDC4B", "hi alice, \"bob\" here",
                    "while you were away 1", "while you were away 2", "back");
            assertThat(texts(bob)).isEqualTo(texts(alice));
            assertThat(seqs(alice)).containsExactly("1", "2", "3", "4", "5");
        } finally {
            if (alice != null) {
                alice.quit();
            }
            if (bob != null) {
                bob.quit();
            }
            a.kill();
            b.stop();
        }
    }

    private static String page(String node, List<String> servers, String room, String user) {
        return node + "/chat/?autojoin=1&room=" + room + "&user=" + user
                + "&servers=" + URLEncoder.encode(String.join(",", servers), StandardCharsets.UTF_8)
                + "&token=" + URLEncoder.encode(Tokens.token(user), StandardCharsets.UTF_8);
    }

    private static WebDriver browser() {
        return HeadlessChromium.start(1200, 800);
    }

    private static void say(WebDriver driver, String text) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> d.findElement(By.id("text")).isEnabled());
        var input = driver.findElement(By.id("text"));
        input.sendKeys(text);
        driver.findElement(By.id("send")).click();
    }

    private static void awaitText(WebDriver driver, By where, String text) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> d.findElement(where).getText().contains(text));
    }

    private static void awaitMessages(WebDriver driver, int count) {
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> d.findElements(By.cssSelector("#messages li")).size() >= count);
    }

    private static List<String> texts(WebDriver driver) {
        return driver.findElements(By.cssSelector("#messages li .text")).stream().map(WebElement::getText).toList();
    }

    private static List<String> seqs(WebDriver driver) {
        return driver.findElements(By.cssSelector("#messages li")).stream().map(li -> li.getAttribute("data-seq")).toList();
    }
}

package dev.sandbox.system.chat;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import dev.sandbox.infra.testing.HeadlessChromium;
import dev.sandbox.system.stack.RunningSandbox;

/**
 * The chat page through the gateway of the running sandbox, in real headless Chromium. The gateway
 * answers its route with the page's own Content-Security-Policy (script, style and connections to
 * its own origin only), so the page's script runs, asks the gateway for a token, and opens its
 * websocket through the gateway to a chat node. Under the gateway's default policy
 * ({@code default-src 'none'}) the script would not run, and under one without {@code connect-src}
 * neither the token request nor the websocket would leave the page: either way this fails.
 */
@ExtendWith(RunningSandbox.Extension.class)
class ChatPageIT {

    @Test
    void thePageLogsInJoinsAndChatsThroughTheGateway(RunningSandbox sandbox) {
        HeadlessChromium.assumeInstalled();
        var room = "page-" + UUID.randomUUID().toString().substring(0, 8);
        var browser = HeadlessChromium.start(1200, 800);
        try {
            browser.get(sandbox.url("gateway") + "/chat/?room=" + room + "&user=alice");
            browser.findElement(By.id("login")).click();
            until(browser, page -> !page.findElement(By.id("token")).getDomProperty("value").isEmpty());
            browser.findElement(By.id("join")).click();
            until(browser, page -> page.findElement(By.id("status")).getText().contains("connected as alice"));
            browser.findElement(By.id("text")).sendKeys("hello through the gateway");
            browser.findElement(By.id("send")).click();
            until(browser, page -> page.findElements(By.cssSelector("#messages li .text")).stream()
                    .anyMatch(text -> text.getText().equals("hello through the gateway")));
        } finally {
            browser.quit();
        }
    }

    private static void until(WebDriver browser, Predicate<WebDriver> condition) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> condition.test(browser));
    }
}

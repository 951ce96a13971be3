package dev.sandbox.system.chat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

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

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @Test
    void thePageLogsInJoinsAndChatsThroughTheGateway(RunningSandbox sandbox) {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER), "needs Debian chromium and chromium-driver");
        var room = "page-" + UUID.randomUUID().toString().substring(0, 8);
        var browser = chromium();
        try {
            browser.get(sandbox.url("gateway") + "/chat/?room=" + room + "&user=alice");
            browser.findElement(By.id("login")).click();
            await(browser, page -> !page.findElement(By.id("token")).getDomProperty("value").isEmpty());
            browser.findElement(By.id("join")).click();
            await(browser, page -> page.findElement(By.id("status")).getText().contains("connected as alice"));
            browser.findElement(By.id("text")).sendKeys("hello through the gateway");
            browser.findElement(By.id("send")).click();
            await(browser, page -> page.findElements(By.cssSelector("#messages li .text")).stream()
                    .anyMatch(text -> text.getText().equals("hello through the gateway")));
        } finally {
            browser.quit();
        }
    }

    private static void await(WebDriver browser, java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(condition::apply);
    }

    private static WebDriver chromium() {
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,800");
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), options);
    }
}

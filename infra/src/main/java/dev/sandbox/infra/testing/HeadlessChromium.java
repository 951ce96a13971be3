package dev.sandbox.infra.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Real headless Chromium driven by Selenium, for the tests that load a page the way a user does
 * (the chat page, the dashboards): Debian's {@code chromium} and {@code chromium-driver}, the
 * browser and its driver of one release, so no driver is downloaded at run time. A test on a
 * machine without them is skipped, saying what to install, never failed.
 *
 * <p>Selenium is not a dependency this module passes on: a module whose tests use this class
 * declares {@code selenium-chrome-driver} itself, at test scope (the root pom pins its version).
 */
public final class HeadlessChromium {

    private static final Path BROWSER = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {
    }

    /** Skips the calling test unless Chromium and its driver are installed. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER),
                "needs Debian chromium and chromium-driver (apt-get install -y --no-install-recommends chromium chromium-driver)");
    }

    /**
     * A new browser whose window is {@code width} x {@code height} pixels (screenshots are that size).
     * Call {@link WebDriver#quit()} when done: it ends the browser and its driver.
     */
    public static WebDriver start(int width, int height) {
        assumeInstalled();
        var options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        // No sandbox: the tests may run as root, which Chromium's sandbox refuses; /dev/shm in a
        // container is often too small for its shared memory, so it uses /tmp instead.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=" + width + "," + height);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
        return new ChromeDriver(service, options);
    }
}

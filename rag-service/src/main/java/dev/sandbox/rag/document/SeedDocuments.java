package dev.sandbox.rag.document;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import dev.sandbox.rag.RagConfig;
import dev.sandbox.rag.chunk.DocumentParser.Format;

/**
 * "Ask the sandbox about itself": at start, the markdown files of {@code rag.ingest.seed-dir} (the
 * project's docs/ under ./sandbox) go through the same path as a POST, with the id
 * {@code docs-<file name>}. Unchanged files are already indexed and cost nothing; a changed file
 * is indexed again. Runs in the background, retrying while the work queue is not there yet.
 */
@ApplicationScoped
public class SeedDocuments {

    private static final Logger LOG = Logger.getLogger(SeedDocuments.class);

    private final Documents documents;
    private final RagConfig config;

    SeedDocuments(Documents documents, RagConfig config) {
        this.documents = documents;
        this.config = config;
    }

    void seed(@Observes StartupEvent event) {
        config.ingest().seedDir().map(Path::of).filter(Files::isDirectory)
                .ifPresent(dir -> Thread.ofPlatform().name("rag-seed").daemon().start(() -> seedAll(dir)));
    }

    private void seedAll(Path dir) {
        try (var files = Files.list(dir)) {
            for (var file : files.filter(f -> f.getFileName().toString().endsWith(".md")).sorted().toList()) {
                seedOne(file);
            }
        } catch (IOException e) {
            LOG.warnf("seed documents not read from %s: %s", dir, e.getMessage());
        }
    }

    private void seedOne(Path file) {
        var name = file.getFileName().toString();
        for (var attempt = 1; attempt <= 60; attempt++) {
            try {
                var text = Files.readString(file, StandardCharsets.UTF_8);
                var title = text.lines().filter(line -> line.startsWith("# ")).findFirst().map(line -> line.substring(2).strip()).orElse(name);
                var id = "docs-" + name.replaceAll("[^A-Za-z0-9._-]", "-");
                var accepted = documents.accept(id, title, text, Format.MARKDOWN, "docs/" + name, Map.of());
                LOG.infof("seed document %s: %s", id, accepted.status().name().toLowerCase(java.util.Locale.ROOT));
                return;
            } catch (IOException e) {
                LOG.warnf("seed document %s not read: %s", name, e.getMessage());
                return;
            } catch (dev.sandbox.common.problem.ProblemException e) {
                if (e.problem().status() < 500) {
                    LOG.warnf("seed document %s refused: %s", name, e.getMessage());
                    return;
                }
                pause();
            } catch (RuntimeException e) {
                // The work queue may not be connected yet: try again shortly.
                pause();
            }
        }
        LOG.warnf("seed document %s not queued", name);
    }

    private static void pause() {
        try {
            Thread.sleep(Duration.ofSeconds(1));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.sandbox.rag.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.sandbox.rag.embed.MiniLm;

/**
 * The chunker's promises: the same document gives the same chunks and ids (a golden file pins
 * them: a change to chunking shows up as a diff of it), every chunk fits the model's window and is
 * an exact substring of the stored text, chunks follow the headings, long sections overlap.
 */
class ChunkerTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden/handbook.chunks.txt");
    private static MiniLm model;
    private static Chunker chunker;

    @BeforeAll
    static void load() {
        model = new MiniLm(Executors.newSingleThreadExecutor());
        chunker = new Chunker(model, 60, 28);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static String handbook() throws IOException {
        return Files.readString(Path.of("src/test/resources/golden/handbook.md"), StandardCharsets.UTF_8);
    }

    private static List<Chunk> chunks(String text) {
        return chunker.chunk("handbook", DocumentParser.parse(DocumentParser.Format.MARKDOWN, text, UnaryOperator.identity()));
    }

    static String render(List<Chunk> chunks) {
        var out = new StringBuilder();
        for (var chunk : chunks) {
            out.append("== ").append(chunk.id()).append(" #").append(chunk.position()).append(" [").append(chunk.start()).append(',')
                    .append(chunk.end()).append(") ").append(chunk.wordpieces()).append(" wordpieces, section: ").append(chunk.section())
                    .append('\n').append(chunk.text()).append('\n');
        }
        return out.toString();
    }

    @Test
    void theGoldenDocumentGivesThePinnedChunks() throws IOException {
        var rendered = render(chunks(handbook()));
        if (Boolean.getBoolean("rag.golden.update")) {
            Files.writeString(GOLDEN, rendered, StandardCharsets.UTF_8);
        }
        assertThat(rendered).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
    }

    @Test
    void sameInputSameChunksAndIds() throws IOException {
        assertThat(chunks(handbook())).isEqualTo(chunks(handbook()));
    }

    @Test
    void chunksFitTheWindowAndQuoteTheText() throws IOException {
        var text = handbook();
        var chunks = chunks(text);
        assertThat(chunks).hasSizeGreaterThan(4);
        for (var chunk : chunks) {
            assertThat(text.substring(chunk.start(), chunk.end())).isEqualTo(chunk.text());
            assertThat(model.count(chunk.text())).isLessThanOrEqualTo(60);
            assertThat(model.count(chunk.embeddingText("Harbour handbook"))).isLessThanOrEqualTo(126);
        }
        assertThat(chunks).extracting(Chunk::section).contains("Harbour handbook > Tides", "Harbour handbook > Fees > Winter");
    }

    @Test
    void aLongSectionIsCutAtSentencesWithOverlap() throws IOException {
        var tides = chunks(handbook()).stream().filter(c -> c.section().endsWith("Tides")).toList();
        assertThat(tides).hasSizeGreaterThan(1);
        // The next chunk starts inside the previous one: its first sentence is repeated.
        assertThat(tides.get(1).start()).isLessThan(tides.get(0).end());
    }

    @Test
    void aWordLongerThanAChunkIsCutToo() {
        var blob = "x".repeat(5_000);
        var chunks = chunks("# Blob\n\n" + blob + "\n");
        assertThat(chunks).allSatisfy(chunk -> assertThat(model.count(chunk.text())).isLessThanOrEqualTo(60));
        assertThat(String.join("", chunks.stream().map(Chunk::text).toList())).isEqualTo(blob);
    }

    @Test
    void htmlIsReadThroughItsBlocks() {
        var html = "<html><body><h1>Guide</h1><p>First <b>bold</b> paragraph.</p><ul><li>item one</li><li>item two</li></ul>"
                + "<h2>More</h2><p>Second paragraph.</p><script>ignored()</script></body></html>";
        var parsed = DocumentParser.parse(DocumentParser.Format.HTML, html, UnaryOperator.identity());
        var chunks = chunker.chunk("guide", parsed);
        assertThat(parsed.text()).doesNotContain("<").doesNotContain("ignored");
        assertThat(chunks).extracting(Chunk::section).containsExactly("Guide", "Guide > More");
        assertThat(chunks.getFirst().text()).isEqualTo("First bold paragraph.\n\nitem one\n\nitem two");
    }
}

package dev.sandbox.rag.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.rag.chunk.Chunker;
import dev.sandbox.rag.chunk.DocumentParser;
import dev.sandbox.rag.index.DocumentRecord;
import dev.sandbox.rag.index.DocumentStatus;
import dev.sandbox.rag.embed.MiniLm;
import dev.sandbox.rag.index.ChunkHit;
import dev.sandbox.rag.index.ChunkIndex;
import dev.sandbox.rag.index.SearchMode;
import io.opentelemetry.api.OpenTelemetry;

/**
 * The retrieval eval: the project's own docs/*.md indexed as the service indexes them (same
 * chunker, same model, same Lucene fields), then questions written over them, each with the
 * document and section that answers it. A hit is relevant when it is a chunk of that document under
 * that heading. Prints recall@5 and MRR@10 for bm25, vector and hybrid, and writes them to
 * {@code target/rag-eval.md}.
 */
class RetrievalEvalTest {

    private record Question(String text, String document, String section) {
    }

    /** recall@5 and MRR@10 of one mode. */
    record Scores(double recallAt5, double mrrAt10) {
    }

    @Test
    void recallAndMrrPerMode(@TempDir Path dir) throws Exception {
        var scores = evaluate(dir, Path.of("../docs"), Path.of("src/test/resources/eval/questions.tsv"));
        var table = new StringBuilder("| mode | recall@5 | MRR@10 |\n|---|---|---|\n");
        scores.forEach((mode, s) -> table.append(String.format("| %s | %.2f | %.2f |%n", mode.name().toLowerCase(), s.recallAt5(), s.mrrAt10())));
        System.out.print(table);
        Files.writeString(Path.of("target/rag-eval.md"), table, StandardCharsets.UTF_8);
        for (var s : scores.values()) {
            assertThat(s.recallAt5()).isGreaterThan(0.3);
        }
    }

    static Map<SearchMode, Scores> evaluate(Path dir, Path docs, Path questionsFile) throws IOException {
        var questions = new ArrayList<Question>();
        for (var line : Files.readAllLines(questionsFile, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            var fields = line.split("\t");
            questions.add(new Question(fields[0], fields[1], fields[2]));
        }
        try (var pool = Executors.newFixedThreadPool(2); var model = new MiniLm(pool)) {
            var index = new ChunkIndex(dir.resolve("index"), new ObjectMapper(), OpenTelemetry.noop().getTracer("eval"));
            try {
                var chunker = new Chunker(model, 100, 30);
                try (var files = Files.list(docs)) {
                    for (var file : files.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                        var text = Files.readString(file, StandardCharsets.UTF_8);
                        var id = file.getFileName().toString();
                        var chunks = chunker.chunk(id, DocumentParser.parse(DocumentParser.Format.MARKDOWN, text, UnaryOperator.identity()));
                        var bodies = chunks.stream().map(chunk -> {
                            var withContext = chunk.embeddingText(id);
                            return model.count(withContext) <= 126 ? withContext : chunk.text();
                        }).toList();
                        var record = new DocumentRecord(id, id, DocumentStatus.INDEXED, chunks.size(), null, Chunker.sha256(text), "markdown",
                                null, Map.of(), text, 0);
                        index.putRecord(record); // replace() writes only over a record of the same content
                        index.replace(record, chunks, bodies, model.embed(bodies));
                    }
                }
                var scores = new EnumMap<SearchMode, Scores>(SearchMode.class);
                for (var mode : SearchMode.values()) {
                    var found = 0;
                    var reciprocal = 0.0;
                    for (var question : questions) {
                        var vector = mode == SearchMode.BM25 ? null : model.embed(List.of(question.text())).getFirst();
                        var hits = index.search(mode, question.text(), vector, 50, 60, 10);
                        var rank = firstRelevant(hits, question);
                        if (rank > 0 && rank <= 5) {
                            found++;
                        }
                        if (rank > 0) {
                            reciprocal += 1.0 / rank;
                        }
                    }
                    scores.put(mode, new Scores((double) found / questions.size(), reciprocal / questions.size()));
                }
                return scores;
            } finally {
                index.close();
            }
        }
    }

    private static int firstRelevant(List<ChunkHit> hits, Question question) {
        for (var i = 0; i < hits.size(); i++) {
            var hit = hits.get(i);
            if (hit.documentId().equals(question.document()) && hit.section().contains(question.section())) {
                return i + 1;
            }
        }
        return 0;
    }
}

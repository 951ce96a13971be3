package dev.sandbox.rag.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.IntPoint;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;

import io.opentelemetry.api.trace.Tracer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sandbox.rag.RagConfig;
import dev.sandbox.rag.chunk.Chunk;

/**
 * The index on local disk: one Lucene index holding each document's record and its chunks (BM25
 * over the chunk text with its heading path, an HNSW graph over the embeddings, cosine).
 * Guarantees: a document's chunks appear together or not at all (record and chunks replace the old
 * ones in one {@code updateDocuments}, then one commit, so a reader or a crash sees the old set or
 * the new one); a delete removes record and chunks in one commit; what is committed survives a
 * restart or a kill -9 (Lucene's commit is durable, its lock is released by the OS when the process
 * dies). Searches read the last commit.
 */
@ApplicationScoped
public class ChunkIndex {

    private static final String KIND = "kind";
    private static final String RECORD_ID = "recordId";
    private static final String DOCUMENT_ID = "documentId";
    private static final String BODY = "body";
    private static final String VECTOR = "vector";
    private static final String SORT = "idSort";
    private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {
    };

    private final Analyzer analyzer = new EnglishAnalyzer();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final ObjectMapper json;

    private final Tracer tracer;

    @Inject
    ChunkIndex(RagConfig config, ObjectMapper json, Tracer tracer) {
        this(Path.of(config.dataDir()).resolve("index"), json, tracer);
    }

    /** An index in {@code path}, outside CDI (the retrieval eval builds its own). */
    public ChunkIndex(Path path, ObjectMapper json, Tracer tracer) {
        this.json = json;
        this.tracer = tracer;
        try {
            Files.createDirectories(path);
            var writerConfig = new IndexWriterConfig(analyzer).setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
            this.writer = new IndexWriter(FSDirectory.open(path), writerConfig);
            // An empty index gets a first commit, so that readers open.
            writer.commit();
            this.searchers = new SearcherManager(writer, null);
        } catch (IOException e) {
            throw new UncheckedIOException("the index does not open", e);
        }
    }

    /** Writes a document's record alone (queued, failed): its chunks, if any, stay. */
    public synchronized void putRecord(DocumentRecord record) {
        try {
            writer.updateDocument(new Term(RECORD_ID, record.documentId()), recordDocument(record));
            commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces a document's record and chunks in one commit: readers see all the new chunks or none.
     * Only while the stored record still has this content: a delete, or a new version of the document
     * that came in while these chunks were being embedded, wins (checked under the lock every write
     * takes). Returns whether it replaced.
     */
    public synchronized boolean replace(DocumentRecord record, List<Chunk> chunks, List<String> bodies, List<float[]> vectors) {
        var current = get(record.documentId());
        if (current.isEmpty() || !current.get().contentHash().equals(record.contentHash())) {
            return false;
        }
        var documents = new ArrayList<Document>(chunks.size() + 1);
        documents.add(recordDocument(record));
        for (var i = 0; i < chunks.size(); i++) {
            documents.add(chunkDocument(record, chunks.get(i), bodies.get(i), vectors.get(i)));
        }
        try {
            writer.updateDocuments(new Term(DOCUMENT_ID, record.documentId()), documents);
            commit();
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the document and all its chunks, in one commit. */
    public synchronized void delete(String documentId) {
        try {
            writer.deleteDocuments(new Term(DOCUMENT_ID, documentId));
            commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void commit() throws IOException {
        writer.commit();
        searchers.maybeRefreshBlocking();
    }

    public Optional<DocumentRecord> get(String documentId) {
        var hits = search(new TermQuery(new Term(RECORD_ID, documentId)), 1, null);
        return hits.isEmpty() ? Optional.empty() : Optional.of(toRecord(hits.getFirst()));
    }

    /** Records in id order after {@code cursor} (exclusive), at most {@code limit}. */
    public List<DocumentRecord> list(String cursor, int limit) {
        var query = new BooleanQuery.Builder()
                .add(new TermQuery(new Term(KIND, "document")), Occur.FILTER)
                .add(TermRangeQuery.newStringRange(RECORD_ID, cursor, null, false, true), Occur.FILTER)
                .build();
        return search(query, limit, new Sort(new SortField(SORT, SortField.Type.STRING))).stream().map(this::toRecord).toList();
    }

    public int chunkCount(String documentId) {
        return count(new BooleanQuery.Builder()
                .add(new TermQuery(new Term(KIND, "chunk")), Occur.FILTER)
                .add(new TermQuery(new Term(DOCUMENT_ID, documentId)), Occur.FILTER).build());
    }

    public int totalChunks() {
        return count(new TermQuery(new Term(KIND, "chunk")));
    }

    private int count(Query query) {
        try {
            var searcher = searchers.acquire();
            try {
                return searcher.count(query);
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The BM25 query for a question: its analysed terms, any of them (none: matches nothing). */
    public Query bm25Query(String question) {
        var query = new QueryBuilder(analyzer).createBooleanQuery(BODY, question, Occur.SHOULD);
        return query == null ? new MatchNoDocsQuery() : query;
    }

    /** The analysed terms of a text, as BM25 sees them (stemmed, stop words dropped). */
    public List<String> terms(String text) {
        var terms = new ArrayList<String>();
        try (var stream = analyzer.tokenStream(BODY, text)) {
            var term = stream.addAttribute(org.apache.lucene.analysis.tokenattributes.CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return terms;
    }

    /** Ranked chunks of each retriever, and their fusion. */
    public List<ChunkHit> search(SearchMode mode, String question, float[] vector, int candidates, int rrfK, int k) {
        try {
            var searcher = searchers.acquire();
            try {
                TopDocs top = switch (mode) {
                    case BM25 -> traced("rag.search.bm25", () -> searcher.search(bm25Query(question), k));
                    case VECTOR -> traced("rag.search.vector", () -> searcher.search(new KnnFloatVectorQuery(VECTOR, vector, k), k));
                    case HYBRID -> {
                        var lexical = traced("rag.search.bm25", () -> searcher.search(bm25Query(question), candidates));
                        var semantic = traced("rag.search.vector",
                                () -> searcher.search(new KnnFloatVectorQuery(VECTOR, vector, candidates), candidates));
                        yield traced("rag.fuse", () -> TopDocs.rrf(k, rrfK, new TopDocs[] {lexical, semantic}));
                    }
                };
                var hits = new ArrayList<ChunkHit>(top.scoreDocs.length);
                var fields = searcher.storedFields();
                for (ScoreDoc scoreDoc : top.scoreDocs) {
                    var doc = fields.document(scoreDoc.doc);
                    hits.add(new ChunkHit(doc.get("chunkId"), doc.get(DOCUMENT_ID), doc.get("title"), doc.get("section"),
                            doc.getField("position").numericValue().intValue(), doc.get("chunkText"), scoreDoc.score));
                }
                return hits;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Search {
        TopDocs run() throws IOException;
    }

    private TopDocs traced(String name, Search search) throws IOException {
        var span = tracer.spanBuilder(name).startSpan();
        try (var scope = span.makeCurrent()) {
            var top = search.run();
            span.setAttribute("rag.hits", top.scoreDocs.length);
            return top;
        } finally {
            span.end();
        }
    }

    private List<Document> search(Query query, int limit, Sort sort) {
        try {
            var searcher = searchers.acquire();
            try {
                var top = sort == null ? searcher.search(query, limit) : searcher.search(query, limit, sort);
                var fields = searcher.storedFields();
                var documents = new ArrayList<Document>();
                for (var scoreDoc : top.scoreDocs) {
                    documents.add(fields.document(scoreDoc.doc));
                }
                return documents;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Document recordDocument(DocumentRecord record) {
        var doc = new Document();
        doc.add(new StringField(KIND, "document", Field.Store.NO));
        doc.add(new StringField(RECORD_ID, record.documentId(), Field.Store.YES));
        doc.add(new StringField(DOCUMENT_ID, record.documentId(), Field.Store.NO));
        doc.add(new SortedDocValuesField(SORT, new BytesRef(record.documentId())));
        doc.add(new StoredField("title", record.title()));
        doc.add(new StoredField("status", record.status().name()));
        doc.add(new StoredField("chunks", record.chunks()));
        if (record.error() != null) {
            doc.add(new StoredField("error", record.error()));
        }
        doc.add(new StringField("contentHash", record.contentHash(), Field.Store.YES));
        doc.add(new StoredField("format", record.format()));
        if (record.source() != null) {
            doc.add(new StoredField("source", record.source()));
        }
        try {
            doc.add(new StoredField("metadata", json.writeValueAsString(record.metadata() == null ? Map.of() : record.metadata())));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        doc.add(new StoredField("text", record.text()));
        doc.add(new StoredField("updatedAt", record.updatedAt()));
        return doc;
    }

    private DocumentRecord toRecord(Document doc) {
        Map<String, String> metadata;
        try {
            metadata = json.readValue(doc.get("metadata"), METADATA);
        } catch (JsonProcessingException e) {
            metadata = Map.of();
        }
        return new DocumentRecord(doc.get(RECORD_ID), doc.get("title"), DocumentStatus.valueOf(doc.get("status")),
                doc.getField("chunks").numericValue().intValue(), doc.get("error"), doc.get("contentHash"), doc.get("format"),
                doc.get("source"), metadata, doc.get("text"), doc.getField("updatedAt").numericValue().longValue());
    }

    private Document chunkDocument(DocumentRecord record, Chunk chunk, String body, float[] vector) {
        var doc = new Document();
        doc.add(new StringField(KIND, "chunk", Field.Store.NO));
        doc.add(new StringField(DOCUMENT_ID, record.documentId(), Field.Store.YES));
        doc.add(new StringField("chunkId", chunk.id(), Field.Store.YES));
        doc.add(new StoredField("title", record.title()));
        doc.add(new StoredField("section", chunk.section()));
        doc.add(new StoredField("position", chunk.position()));
        doc.add(new IntPoint("start", chunk.start()));
        doc.add(new StoredField("chunkText", chunk.text()));
        doc.add(new TextField(BODY, body, Field.Store.NO));
        doc.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.COSINE));
        return doc;
    }

    @PreDestroy
    public void close() {
        try {
            searchers.close();
            writer.close();
        } catch (IOException e) {
            // Shutting down: the last commit is on disk already.
        }
    }
}

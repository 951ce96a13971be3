package dev.sandbox.rag.chunk;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Deterministic, structure-aware chunking. Blocks (paragraphs, list items, code) of one section are
 * packed into chunks of at most {@code maxWordpieces} wordpieces of the embedding model; a block too
 * big for one chunk is cut at sentence boundaries (and a sentence too big, at word boundaries).
 * Consecutive chunks of a section overlap by their last sentences, up to {@code overlapWordpieces}.
 * A chunk never crosses a heading. Every chunk is a contiguous range of the stored text, so its text
 * is exactly a substring of what was stored. The same text always gives the same chunks: no
 * randomness, and {@link BreakIterator} with {@link Locale#ROOT}.
 */
public final class Chunker {

    private static final Pattern WORD = Pattern.compile("\\S+");

    private final Wordpieces wordpieces;
    private final int maxWordpieces;
    private final int overlapWordpieces;

    public Chunker(Wordpieces wordpieces, int maxWordpieces, int overlapWordpieces) {
        if (maxWordpieces < 8 || overlapWordpieces < 0 || overlapWordpieces >= maxWordpieces / 2) {
            throw new IllegalArgumentException("chunks need maxWordpieces >= 8 and overlap < max/2");
        }
        this.wordpieces = wordpieces;
        this.maxWordpieces = maxWordpieces;
        this.overlapWordpieces = overlapWordpieces;
    }

    /** A piece that is never cut: a whole block, a sentence, or a run of words. */
    private record Unit(int start, int end, int wordpieces, boolean sentence) {
    }

    public List<Chunk> chunk(String documentId, ParsedDocument document) {
        var text = document.text();
        var chunks = new ArrayList<Chunk>();
        var blocks = document.blocks();
        var i = 0;
        while (i < blocks.size()) {
            var section = blocks.get(i).section();
            var units = new ArrayList<Unit>();
            while (i < blocks.size() && blocks.get(i).section().equals(section)) {
                units.addAll(units(text, blocks.get(i)));
                i++;
            }
            pack(documentId, text, section, units, chunks);
        }
        return List.copyOf(chunks);
    }

    private List<Unit> units(String text, Block block) {
        var count = wordpieces.count(text.substring(block.start(), block.end()));
        if (count <= maxWordpieces) {
            return List.of(new Unit(block.start(), block.end(), count, false));
        }
        var units = new ArrayList<Unit>();
        var sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
        var blockText = text.substring(block.start(), block.end());
        sentences.setText(blockText);
        var from = sentences.first();
        for (var to = sentences.next(); to != BreakIterator.DONE; from = to, to = sentences.next()) {
            var start = block.start() + from;
            var end = block.start() + to;
            while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            if (end <= start) {
                continue;
            }
            var sentenceCount = wordpieces.count(text.substring(start, end));
            if (sentenceCount <= maxWordpieces) {
                units.add(new Unit(start, end, sentenceCount, true));
            } else {
                units.addAll(words(text, start, end));
            }
        }
        return units;
    }

    /** A sentence longer than a chunk: runs of whole words, each within the limit. */
    private List<Unit> words(String text, int start, int end) {
        var units = new ArrayList<Unit>();
        var matcher = WORD.matcher(text).region(start, end);
        var runStart = -1;
        var runEnd = -1;
        var runCount = 0;
        while (matcher.find()) {
            var count = wordpieces.count(matcher.group());
            if (count > maxWordpieces) {
                // One "word" longer than a chunk (a base64 blob, say): cut it by characters.
                if (runStart >= 0) {
                    units.add(new Unit(runStart, runEnd, runCount, true));
                    runStart = -1;
                    runCount = 0;
                }
                units.addAll(characters(text, matcher.start(), matcher.end()));
                continue;
            }
            if (runStart >= 0 && runCount + count > maxWordpieces) {
                units.add(new Unit(runStart, runEnd, runCount, true));
                runStart = -1;
                runCount = 0;
            }
            if (runStart < 0) {
                runStart = matcher.start();
            }
            runEnd = matcher.end();
            runCount += count;
        }
        if (runStart >= 0) {
            units.add(new Unit(runStart, runEnd, runCount, true));
        }
        return units;
    }

    private List<Unit> characters(String text, int start, int end) {
        var units = new ArrayList<Unit>();
        var from = start;
        while (from < end) {
            var to = Math.min(end, from + maxWordpieces);
            // Never split a surrogate pair.
            if (to < end && Character.isHighSurrogate(text.charAt(to - 1))) {
                to--;
            }
            var count = wordpieces.count(text.substring(from, to));
            while (count > maxWordpieces && to - from > 1) {
                to = from + (to - from) / 2;
                count = wordpieces.count(text.substring(from, to));
            }
            units.add(new Unit(from, to, count, true));
            from = to;
        }
        return units;
    }

    private void pack(String documentId, String text, String section, List<Unit> units, List<Chunk> chunks) {
        var current = new ArrayList<Unit>();
        var count = 0;
        var fresh = 0; // units in current that the previous chunk did not already hold
        for (var unit : units) {
            if (!current.isEmpty() && count + unit.wordpieces() > maxWordpieces) {
                emit(documentId, text, section, current, chunks);
                var overlap = overlap(current);
                current = new ArrayList<>(overlap);
                count = current.stream().mapToInt(Unit::wordpieces).sum();
                if (count + unit.wordpieces() > maxWordpieces) {
                    current.clear();
                    count = 0;
                }
                fresh = 0;
            }
            current.add(unit);
            count += unit.wordpieces();
            fresh++;
        }
        if (fresh > 0) {
            emit(documentId, text, section, current, chunks);
        }
    }

    /** The trailing sentences of a chunk that fit in the overlap; whole blocks are not repeated. */
    private List<Unit> overlap(List<Unit> chunk) {
        var overlap = new ArrayList<Unit>();
        var count = 0;
        for (var j = chunk.size() - 1; j > 0; j--) {
            var unit = chunk.get(j);
            if (!unit.sentence() || count + unit.wordpieces() > overlapWordpieces) {
                break;
            }
            overlap.addFirst(unit);
            count += unit.wordpieces();
        }
        return overlap;
    }

    private void emit(String documentId, String text, String section, List<Unit> units, List<Chunk> chunks) {
        var start = units.getFirst().start();
        var end = units.getLast().end();
        var chunkText = text.substring(start, end);
        var position = chunks.size();
        var count = units.stream().mapToInt(Unit::wordpieces).sum();
        chunks.add(new Chunk(chunkId(documentId, position, chunkText), position, section, start, end, chunkText, count));
    }

    public static String chunkId(String documentId, int position, String text) {
        return "c-" + sha256(documentId + "\n" + position + "\n" + text).substring(0, 20);
    }

    public static String sha256(String value) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.sandbox.rag.chunk;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import org.commonmark.node.BlockQuote;
import org.commonmark.node.Heading;
import org.commonmark.node.ListBlock;
import org.commonmark.node.Node;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;

/**
 * Turns a document as sent into its stored text and blocks, by media type. Markdown (through
 * commonmark-java with source spans) and plain text are stored exactly as sent, so blocks are
 * ranges of the original. HTML (through jsoup) is stored as its text: each block element's text
 * (whitespace collapsed the way a browser shows it), blocks separated by a blank line, headings on
 * their own line. Redaction runs on what is stored: on the whole text for markdown and plain text,
 * on each block's text for HTML.
 */
public final class DocumentParser {

    private static final Parser MARKDOWN = Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS).build();
    private static final Pattern BLANK_LINES = Pattern.compile("\\n[ \\t]*\\n");
    private static final String HTML_BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, pre, blockquote, dt, dd, tr, figcaption, caption";

    private DocumentParser() {
    }

    public enum Format {
        MARKDOWN, PLAIN, HTML
    }

    public static ParsedDocument parse(Format format, String raw, UnaryOperator<String> redact) {
        return switch (format) {
            case MARKDOWN -> markdown(redact.apply(raw));
            case PLAIN -> plain(redact.apply(raw));
            case HTML -> html(raw, redact);
        };
    }

    static ParsedDocument markdown(String text) {
        var document = MARKDOWN.parse(text);
        var blocks = new ArrayList<Block>();
        var headings = new ArrayList<String>();
        for (Node node = document.getFirstChild(); node != null; node = node.getNext()) {
            if (node instanceof Heading heading) {
                var title = headingText(text, heading);
                while (headings.size() >= heading.getLevel()) {
                    headings.removeLast();
                }
                while (headings.size() < heading.getLevel() - 1) {
                    headings.add("");
                }
                headings.add(title);
                continue;
            }
            if (node instanceof ThematicBreak) {
                continue;
            }
            var section = String.join(" > ", headings.stream().filter(h -> !h.isEmpty()).toList());
            if (node instanceof ListBlock || node instanceof BlockQuote) {
                // A list is as many blocks as items: one item can be cited on its own.
                for (Node item = node.getFirstChild(); item != null; item = item.getNext()) {
                    addSpan(text, item, section, blocks);
                }
            } else {
                addSpan(text, node, section, blocks);
            }
        }
        return new ParsedDocument(text, List.copyOf(blocks));
    }

    private static String headingText(String text, Heading heading) {
        var spans = heading.getSourceSpans();
        if (spans.isEmpty()) {
            return "";
        }
        var span = spans.getFirst();
        var line = text.substring(span.getInputIndex(), span.getInputIndex() + span.getLength());
        return line.replaceFirst("^\\s*#{1,6}\\s*", "").replaceFirst("\\s*#*\\s*$", "").strip();
    }

    private static void addSpan(String text, Node node, String section, List<Block> blocks) {
        var spans = node.getSourceSpans();
        if (spans.isEmpty()) {
            return;
        }
        var first = spans.getFirst();
        var last = spans.getLast();
        var start = first.getInputIndex();
        var end = last.getInputIndex() + last.getLength();
        // Trim whitespace at either end: the block is its visible text.
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (end > start) {
            blocks.add(new Block(start, end, section));
        }
    }

    static ParsedDocument plain(String text) {
        var blocks = new ArrayList<Block>();
        var matcher = BLANK_LINES.matcher(text);
        var last = 0;
        while (matcher.find()) {
            addTrimmed(text, last, matcher.start(), blocks);
            last = matcher.end();
        }
        addTrimmed(text, last, text.length(), blocks);
        return new ParsedDocument(text, List.copyOf(blocks));
    }

    private static void addTrimmed(String text, int start, int end, List<Block> blocks) {
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        if (end > start) {
            blocks.add(new Block(start, end, ""));
        }
    }

    static ParsedDocument html(String raw, UnaryOperator<String> redact) {
        var body = Jsoup.parse(raw).body();
        var out = new StringBuilder();
        var blocks = new ArrayList<Block>();
        var headings = new ArrayList<String>();
        for (Element element : body.select(HTML_BLOCKS)) {
            // Only the innermost blocks: a <li> holding a <p> is read once, through the <p>.
            if (!element.select(HTML_BLOCKS).stream().skip(1).findAny().isEmpty() && !element.normalName().matches("h[1-6]")) {
                continue;
            }
            var blockText = redact.apply(element.text().strip());
            if (blockText.isEmpty()) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append("\n\n");
            }
            if (element.normalName().matches("h[1-6]")) {
                var level = element.normalName().charAt(1) - '0';
                while (headings.size() >= level) {
                    headings.removeLast();
                }
                while (headings.size() < level - 1) {
                    headings.add("");
                }
                headings.add(blockText);
                out.append(blockText);
                continue;
            }
            var start = out.length();
            out.append(blockText);
            blocks.add(new Block(start, out.length(), String.join(" > ", headings.stream().filter(h -> !h.isEmpty()).toList())));
        }
        return new ParsedDocument(out.toString(), List.copyOf(blocks));
    }
}

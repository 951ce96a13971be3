package dev.sandbox.rag.pii;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.commons.validator.routines.EmailValidator;
import org.apache.commons.validator.routines.IBANValidator;
import org.apache.commons.validator.routines.InetAddressValidator;
import org.apache.commons.validator.routines.checkdigit.LuhnCheckDigit;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;

import dev.sandbox.rag.RagConfig;

/**
 * Replaces personal data with a placeholder per kind ({@code [EMAIL]}, {@code [CARD]}, ...). Candidates
 * come from patterns; a validator decides: an email by commons-validator, a card number by Luhn, an
 * IBAN by its mod-97 check, an IP address by its grammar, a phone number by libphonenumber (numbers
 * valid for their region, or for the default region when written without a country code), a
 * national id by its shape (US SSN with its reserved areas excluded, UK NI number). Kinds run in a
 * fixed order, each on the text the previous left, so overlapping candidates (an IBAN's digits
 * look like a phone number) are claimed once. Deterministic: the same text gives the same result.
 * The text it redacts is never logged; only counts per kind leave this class.
 */
@ApplicationScoped
public class PiiRedactor {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    private static final Pattern IBAN = Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}\\b");
    private static final Pattern CARD = Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])");
    private static final Pattern SSN = Pattern.compile("(?<![\\d-])(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}(?![\\d-])");
    private static final Pattern NINO = Pattern.compile("\\b(?![DFIQUV])[A-CEGHJ-PR-TW-Z](?![DFIOQUV])[A-CEGHJ-NPR-TW-Z] ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D]\\b");
    private static final Pattern IPV4 = Pattern.compile("(?<![\\d.])\\d{1,3}(?:\\.\\d{1,3}){3}(?!\\.?\\d)");
    private static final Pattern IPV6 = Pattern.compile("(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])");

    /** The redacted text and how many of each kind were found. */
    public record Redaction(String text, Map<PiiKind, Integer> counts) {

        public int total() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final boolean enabled;
    private final Set<PiiKind> kinds;
    private final String defaultRegion;
    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();

    @Inject
    PiiRedactor(RagConfig config) {
        this(config.pii().enabled(), config.pii().kinds(), config.pii().defaultRegion());
    }

    public PiiRedactor(boolean enabled, Set<PiiKind> kinds, String defaultRegion) {
        this.enabled = enabled;
        this.kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(kinds);
        this.defaultRegion = defaultRegion;
    }

    public String redact(String text) {
        return redactCounting(text).text();
    }

    public Redaction redactCounting(String text) {
        var counts = new EnumMap<PiiKind, Integer>(PiiKind.class);
        if (!enabled || text == null || text.isEmpty()) {
            return new Redaction(text, counts);
        }
        // Every pattern needs a character most prose lacks: an e-mail its @, an IPv6 address its colons,
        // every other kind a digit. Looking for that first skips the patterns (the costly part of a
        // query) on most sentences; placeholders add none of them, so the answer is the same.
        var email = text.indexOf('@') >= 0;
        var digits = hasDigit(text);
        var colons = text.indexOf(':') >= 0;
        var result = text;
        if (email && kinds.contains(PiiKind.EMAIL)) {
            result = replace(result, EMAIL, PiiKind.EMAIL, counts, m -> EmailValidator.getInstance().isValid(m));
        }
        if (digits && kinds.contains(PiiKind.IBAN)) {
            result = replace(result, IBAN, PiiKind.IBAN, counts, m -> IBANValidator.getInstance().isValid(m.replace(" ", "")));
        }
        if (digits && kinds.contains(PiiKind.CARD)) {
            result = replace(result, CARD, PiiKind.CARD, counts, m -> {
                var digitsOnly = m.replaceAll("[ -]", "");
                return digitsOnly.length() >= 13 && digitsOnly.length() <= 19 && LuhnCheckDigit.LUHN_CHECK_DIGIT.isValid(digitsOnly);
            });
        }
        if (digits && kinds.contains(PiiKind.NATIONAL_ID)) {
            result = replace(result, SSN, PiiKind.NATIONAL_ID, counts, m -> true);
            result = replace(result, NINO, PiiKind.NATIONAL_ID, counts, m -> true);
        }
        if (digits && kinds.contains(PiiKind.IP)) {
            result = replace(result, IPV4, PiiKind.IP, counts, m -> InetAddressValidator.getInstance().isValidInet4Address(m));
        }
        if (colons && kinds.contains(PiiKind.IP)) {
            result = replace(result, IPV6, PiiKind.IP, counts,
                    m -> m.chars().filter(c -> c == ':').count() >= 2 && m.length() >= 6
                            && InetAddressValidator.getInstance().isValidInet6Address(m));
        }
        if (digits && kinds.contains(PiiKind.PHONE)) {
            result = replacePhones(result, counts);
        }
        return new Redaction(result, counts);
    }

    private static boolean hasDigit(String text) {
        for (var i = 0; i < text.length(); i++) {
            if (Character.isDigit(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private interface Check {
        boolean valid(String candidate);
    }

    private static String replace(String text, Pattern pattern, PiiKind kind, Map<PiiKind, Integer> counts, Check check) {
        var matcher = pattern.matcher(text);
        StringBuilder out = null;
        var last = 0;
        while (matcher.find()) {
            if (!check.valid(matcher.group())) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, matcher.start()).append(kind.placeholder());
            last = matcher.end();
            counts.merge(kind, 1, Integer::sum);
        }
        if (out == null) {
            return text;
        }
        return out.append(text, last, text.length()).toString();
    }

    private String replacePhones(String text, Map<PiiKind, Integer> counts) {
        List<PhoneNumberMatch> matches = new ArrayList<>();
        phones.findNumbers(text, defaultRegion, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE).forEach(matches::add);
        if (matches.isEmpty()) {
            return text;
        }
        var out = new StringBuilder(text.length());
        var last = 0;
        for (var match : matches) {
            out.append(text, last, match.start()).append(PiiKind.PHONE.placeholder());
            last = match.end();
            counts.merge(PiiKind.PHONE, 1, Integer::sum);
        }
        return out.append(text, last, text.length()).toString();
    }
}

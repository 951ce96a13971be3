package dev.sandbox.rag.pii;

/** The kinds of personal data redacted, each replaced by its placeholder. */
public enum PiiKind {
    EMAIL("[EMAIL]"),
    PHONE("[PHONE]"),
    CARD("[CARD]"),
    IBAN("[IBAN]"),
    IP("[IP]"),
    NATIONAL_ID("[NATIONAL-ID]");

    private final String placeholder;

    PiiKind(String placeholder) {
        this.placeholder = placeholder;
    }

    public String placeholder() {
        return placeholder;
    }
}

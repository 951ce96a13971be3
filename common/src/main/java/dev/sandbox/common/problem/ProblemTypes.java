package dev.sandbox.common.problem;

/**
 * The problem types more than one service answers, by name (a type is
 * {@code urn:problem-type:sandbox:<name>}). docs/errors.md lists every type of every service, with
 * its status and meaning; a test holds the code to that list.
 */
public final class ProblemTypes {

    /** 400: a field, parameter or header is invalid; {@code errors} names each one. */
    public static final String VALIDATION = "validation";
    /** 400: the body is not the JSON (or CSV...) it says it is. */
    public static final String MALFORMED_BODY = "malformed-body";
    /** 404: this instance's role does not run that API (a processor-only or sink-only instance). */
    public static final String NOT_AN_API_INSTANCE = "not-an-api-instance";
    /** 413: the body is over the size limit, declared or counted while streaming. */
    public static final String BODY_TOO_LARGE = "body-too-large";
    /** 500: a bug; the answer carries the trace id, the log has the rest. */
    public static final String INTERNAL = "internal";
    /** 503: the database cannot be reached; nothing was written; Retry-After says when to try again. */
    public static final String DATABASE_UNAVAILABLE = "database-unavailable";

    private ProblemTypes() {
    }
}

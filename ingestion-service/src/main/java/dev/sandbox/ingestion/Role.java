package dev.sandbox.ingestion;

/**
 * What one process of the service does ({@code ingestion.role}): take uploads ({@code api}), write
 * events to the database ({@code sink}), or both ({@code all}). Split, the sink can be killed,
 * paused or scaled on its own while uploads go on.
 */
public enum Role {
    ALL, API, SINK;

    public boolean takesUploads() {
        return this != SINK;
    }

    public boolean runsSink() {
        return this != API;
    }
}

package dev.sandbox.ingestion.intake;

import java.util.List;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.sandbox.common.http.UnservedPaths;
import dev.sandbox.ingestion.IngestionConfig;

/** A sink-only instance takes no uploads (common's {@code RoleGate} answers); its stats, health and metrics stay. */
public final class UploadRole {

    private UploadRole() {
    }

    @Produces
    @Singleton
    static UnservedPaths unserved(IngestionConfig config) {
        return config.role().takesUploads() ? UnservedPaths.none()
                : new UnservedPaths(List.of("/events"), "this instance runs the sink only (ingestion.role=sink)");
    }
}

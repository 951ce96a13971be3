package dev.sandbox.ingestion.parse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Every record a reader gives, for the parser tests. */
final class Records {

    private Records() {
    }

    static List<ParsedRecord> readAll(RecordReader reader) throws IOException {
        var records = new ArrayList<ParsedRecord>();
        for (var record = reader.next(); record != null; record = reader.next()) {
            records.add(record);
        }
        return records;
    }
}

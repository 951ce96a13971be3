package dev.sandbox.ingestion.sink;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.sandbox.ingestion.event.Event;

/**
 * One record of the events topic on its way to the database: an event, or a dead letter (a record
 * that is not an event, or that the database refused) with the reason.
 */
record Incoming(ConsumerRecord<String, byte[]> record, Event event, String eventId, String deadLetterReason) {

    static Incoming event(ConsumerRecord<String, byte[]> record, Event event) {
        return new Incoming(record, event, event.id(), null);
    }

    static Incoming deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        return new Incoming(record, null, null, reason);
    }

    Incoming asDeadLetter(String reason) {
        return new Incoming(record, null, eventId, reason);
    }

    boolean isDeadLetter() {
        return deadLetterReason != null;
    }

    int partition() {
        return record.partition();
    }

    long offset() {
        return record.offset();
    }
}

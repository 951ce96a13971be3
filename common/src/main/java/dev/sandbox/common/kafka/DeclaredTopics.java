package dev.sandbox.common.kafka;

import java.util.List;

import org.apache.kafka.clients.admin.NewTopic;

/**
 * The topics a service owns, with the partitions chosen for them: a service produces one of these
 * ({@code @Produces}) and {@link KafkaTopics} creates them.
 */
public record DeclaredTopics(List<NewTopic> topics) {

    public DeclaredTopics {
        topics = List.copyOf(topics);
    }

    public static DeclaredTopics of(NewTopic... topics) {
        return new DeclaredTopics(List.of(topics));
    }
}

package dev.sandbox.common.kafka;

import java.util.List;

/**
 * The topics a service owns, with the partitions chosen for them: a service produces one of these
 * ({@code @Produces}) and {@link KafkaTopics} creates them. How many copies each keeps is not the
 * service's choice but the cluster's ({@code sandbox.topics.*}, see {@link KafkaTopics}).
 */
public record DeclaredTopics(List<Topic> topics) {

    /** A topic and its partitions: the most consumers of one group that can work on it in parallel. */
    public record Topic(String name, int partitions) {
    }

    public DeclaredTopics {
        topics = List.copyOf(topics);
    }

    public static DeclaredTopics of(Topic... topics) {
        return new DeclaredTopics(List.of(topics));
    }

    public static Topic topic(String name, int partitions) {
        return new Topic(name, partitions);
    }
}

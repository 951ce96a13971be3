package dev.sandbox.infra.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankIsASampleAtTheSameDepthWhateverTheCount() {
        // 1..n in reverse: the input's order must not matter, and the input must stay as it was.
        var hundred = IntStream.rangeClosed(1, 100).map(i -> 101 - i).asDoubleStream().toArray();
        var thousand = IntStream.rangeClosed(1, 1000).asDoubleStream().toArray();
        assertThat(Percentiles.nearestRank(hundred, 99)).isEqualTo(99.0); // not the slowest
        assertThat(Percentiles.nearestRank(hundred, 50)).isEqualTo(50.0);
        assertThat(Percentiles.nearestRank(thousand, 99)).isEqualTo(990.0);
        assertThat(Percentiles.nearestRank(thousand, 100)).isEqualTo(1000.0);
        assertThat(Percentiles.nearestRank(new double[] {7}, 99)).isEqualTo(7.0);
        assertThat(hundred[0]).isEqualTo(100.0);
    }
}

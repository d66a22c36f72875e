package dev.actuate.algo;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecentEpisodesTest {
    @Test
    void keepsTheLastHundredEpisodesAndAveragesThem() {
        RecentEpisodes r = new RecentEpisodes();
        assertThat(r.meanReturn()).isNaN();
        assertThat(r.meanLength()).isNaN();
        assertThat(r.toArray()).isEmpty();
        for (int i = 0; i < 150; i++) {
            r.add(i, 2 * i);
        }
        // Episodes 50..149 remain: mean return 99.5, mean length 199.
        assertThat(r.meanReturn()).isEqualTo(99.5);
        assertThat(r.meanLength()).isEqualTo(199.0);
        double[] flat = r.toArray();
        assertThat(flat).hasSize(2 * RecentEpisodes.WINDOW);
        assertThat(flat[0]).isEqualTo(50.0);
        assertThat(flat[1]).isEqualTo(100.0);
        assertThat(flat[flat.length - 2]).isEqualTo(149.0);
    }

    @Test
    void checkpointArrayRoundTripsInOrder() {
        RecentEpisodes r = new RecentEpisodes();
        r.add(-3.25, 200);
        r.add(1e-3, 17);
        r.add(-120.5, 999);
        RecentEpisodes back = new RecentEpisodes();
        back.add(7, 7); // replaced by the load
        back.load(r.toArray());
        assertThat(back.toArray()).containsExactly(-3.25, 200, 1e-3, 17, -120.5, 999);
        assertThat(back.meanReturn()).isEqualTo(r.meanReturn());
        assertThat(back.meanLength()).isEqualTo(r.meanLength());
        // Adding after a load continues the same window: the 101st episode drops the oldest.
        for (int i = 0; i < 98; i++) {
            back.add(0, 1);
        }
        assertThat(back.toArray()[0]).isEqualTo(1e-3);
    }
}

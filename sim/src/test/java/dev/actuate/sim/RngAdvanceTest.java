package dev.actuate.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RngAdvanceTest {
    @Test
    void advanceSkipsExactlyThatManyDraws() {
        Rng a = new Rng(7);
        Rng b = new Rng(7);
        for (int i = 0; i < 13; i++) {
            a.nextLong();
        }
        b.advance(13);
        assertEquals(a.state(), b.state());
        assertEquals(a.nextGaussian(), b.nextGaussian());
        // A Gaussian is two draws.
        Rng c = new Rng(3);
        Rng d = new Rng(3);
        c.nextGaussian();
        c.nextGaussian();
        d.advance(4);
        assertEquals(c.nextDouble(), d.nextDouble());
    }
}

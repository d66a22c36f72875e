package dev.actuate.nn;

import dev.actuate.sim.Rng;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PolyakTest {
    private static Mlp net(long seed, DataType dt) {
        return Mlp.builder(5, 3).hidden(17, 9).dataType(dt).build(new Rng(seed));
    }

    @Test
    void averagesTowardTheSourceAndTwoPartsEqualOne() {
        for (DataType dt : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            Mlp source = net(1, dt);
            Mlp whole = net(2, dt);
            Mlp split = net(2, dt);
            double[] t0 = whole.params().dup().castTo(DataType.DOUBLE).data().asDouble();
            double[] s0 = source.params().dup().castTo(DataType.DOUBLE).data().asDouble();
            new Polyak(whole, source).updatePart(0.005, 0, 1);
            Polyak p = new Polyak(split, source);
            p.updatePart(0.005, 1, 2); // either order: the parts are disjoint
            p.updatePart(0.005, 0, 2);
            double[] t1 = whole.params().dup().castTo(DataType.DOUBLE).data().asDouble();
            for (int i = 0; i < t0.length; i++) {
                assertThat(t1[i]).isCloseTo(0.995 * t0[i] + 0.005 * s0[i], within(1e-6 * (1 + Math.abs(t0[i]))));
            }
            assertThat(split.params().dup().castTo(DataType.DOUBLE).data().asDouble()).containsExactly(t1);
        }
        Mlp a = net(1, DataType.FLOAT);
        assertThatThrownBy(() -> new Polyak(a, Mlp.builder(5, 3).hidden(4).build(new Rng(1))))
                .hasMessageContaining("sizes differ");
        assertThatThrownBy(() -> new Polyak(a, net(3, DataType.FLOAT)).updatePart(1.5, 0, 1))
                .hasMessageContaining("tau");
    }
}

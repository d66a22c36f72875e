package dev.actuate.algo;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/** The algorithms {@code actuate train --algo} knows; adding one is one line here. */
public enum Algorithm {
    PPO(OnPolicyTrainer::ppo),
    TRPO(OnPolicyTrainer::trpo),
    A2C(OnPolicyTrainer::a2c),
    SAC(() -> new OffPolicyTrainer(Sac.ALGORITHM)),
    TD3(() -> new OffPolicyTrainer(Td3.ALGORITHM)),
    DDPG(() -> new OffPolicyTrainer(Td3.DDPG));

    private final Supplier<Trainer> trainer;

    Algorithm(Supplier<Trainer> trainer) {
        this.trainer = trainer;
    }

    /** The CLI and config-directory name, e.g. {@code ppo}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Trainer trainer() {
        return trainer.get();
    }

    public static Algorithm parse(String id) {
        for (Algorithm a : values()) {
            if (a.id().equalsIgnoreCase(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + id + "'; known: "
                + String.join(", ", Arrays.stream(values()).map(Algorithm::id).toList()));
    }
}

package dev.actuate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.sim.Controller;
import dev.actuate.sim.Env;
import dev.actuate.sim.Envs;
import dev.actuate.sim.Evaluation;
import dev.actuate.sim.wrappers.SimToReal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code actuate eval}: mean return of a controller over seeded episodes. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a controller or trained model: episode i starts from seed S+i.")
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    PolicyOptions policy;

    @Mixin
    SimToRealOptions simToReal;

    @Option(names = "--episodes", paramLabel = "N", defaultValue = "10", description = "Episodes (default: ${DEFAULT-VALUE}).")
    int episodes;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "First episode's seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--hold", paramLabel = "K", description = "Also report the fraction of episodes whose last K steps"
            + " all met the env's success condition (e.g. a robot description's success: pole within 12 degrees).")
    Integer hold;

    @Option(names = "--per-episode", description = "Also list each episode's seed, return and length (JSON:"
            + " episode_returns and episode_lengths, in seed order), as SB3's evaluate_policy(return_episode_rewards=True).")
    boolean perEpisode;

    @Option(names = "--json", description = "Print one JSON object as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (episodes <= 0) {
            throw new IllegalArgumentException("--episodes must be positive, got " + episodes);
        }
        if (hold != null && hold <= 0) {
            throw new IllegalArgumentException("--hold must be positive, got " + hold);
        }
        String id = policy.envId();
        double threshold = Envs.spec(id).rewardThreshold();
        Evaluation.Result r;
        SimToReal aids = simToReal.resolve(policy.model);
        try (Env env = SimToRealOptions.wrap(Envs.make(id), aids)) {
            Controller c = policy.build(env, seed);
            r = Evaluation.run(env, c, episodes, seed);
        }
        System.out.printf(Locale.ROOT, "%s, %s, %d episodes (seeds %d..%d)%n", id, policy.label(), episodes, seed,
                seed + episodes - 1);
        System.out.printf(Locale.ROOT, "  return       %.2f ± %.2f%n", r.meanReturn(), r.stdReturn());
        System.out.printf(Locale.ROOT, "  success rate %.2f (return >= %.1f)%n", r.successRate(threshold), threshold);
        System.out.printf(Locale.ROOT, "  mean length  %.1f%n", r.meanLength());
        if (!aids.isNone()) {
            System.out.printf(Locale.ROOT, "  sim-to-real  action delay %d, observation delay %d steps, noise std %s%n",
                    aids.actionDelay(), aids.observationDelay(), aids.observationNoise());
        }
        if (hold != null) {
            System.out.printf(Locale.ROOT, "  held rate    %.2f (success on each of the last %d steps)%n", r.heldRate(hold), hold);
        }
        if (perEpisode) {
            // Columns as wide as the widest seed, so the table stays aligned for any --seed.
            int w = Math.max(4, Long.toString(seed + r.episodes() - 1).length());
            System.out.printf(Locale.ROOT, "  episode  %" + w + "s  %10s  %6s%n", "seed", "return", "length");
            for (int i = 0; i < r.episodes(); i++) {
                System.out.printf(Locale.ROOT, "  %7d  %" + w + "d  %10.2f  %6d%n", i, seed + i, r.returns()[i],
                        r.lengths()[i]);
            }
        }
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("env", id).put("controller", policy.label()).put("seed", seed)
                    .put("episodes", r.episodes()).put("mean_return", r.meanReturn()).put("std_return", r.stdReturn())
                    .put("success_rate", r.successRate(threshold)).put("mean_length", r.meanLength())
                    .put("reward_threshold", threshold).put("action_delay", aids.actionDelay())
                    .put("observation_delay", aids.observationDelay());
            o.set("observation_noise", mapper.valueToTree(aids.observationNoise()));
            if (hold != null) {
                o.put("hold_steps", hold).put("held_rate", r.heldRate(hold));
            }
            if (perEpisode) {
                o.set("episode_returns", mapper.valueToTree(r.returns()));
                o.set("episode_lengths", mapper.valueToTree(r.lengths()));
            }
            System.out.println(mapper.writeValueAsString(o));
        }
        System.out.flush();
        return 0;
    }
}

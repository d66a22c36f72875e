package dev.actuate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.sim.Env;
import dev.actuate.sim.EnvSpec;
import dev.actuate.sim.Envs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code actuate envs}: the registry as a table, or JSON. */
@Command(name = "envs", mixinStandardHelpOptions = true,
        description = "List registered environments: observation and action sizes, time limit, reward threshold.")
public final class EnvsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print one JSON object as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode list = root.putArray("envs");
        String fmt = "%-28s %7s %7s %10s %10s%n";
        if (!json) {
            System.out.printf(Locale.ROOT, fmt, "ID", "OBS", "ACT", "STEPS", "THRESHOLD");
        }
        for (EnvSpec s : Envs.specs()) {
            // Spaces come from the env object; constructing it builds no world (that happens in reset).
            try (Env env = s.factory().get()) {
                int obs = env.observationSpace().dim();
                int act = env.actionSpace().dim();
                if (json) {
                    list.addObject().put("id", s.id()).put("obs_dim", obs).put("act_dim", act)
                            .put("max_episode_steps", s.maxEpisodeSteps()).put("reward_threshold", s.rewardThreshold());
                } else {
                    System.out.printf(Locale.ROOT, fmt, s.id(), obs, act, s.maxEpisodeSteps(),
                            String.format(Locale.ROOT, "%.1f", s.rewardThreshold()));
                }
            }
        }
        if (json) {
            System.out.println(mapper.writeValueAsString(root));
        }
        System.out.flush();
        return 0;
    }
}

package dev.actuate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actuate.policy.PolicyFile;
import dev.actuate.policy.PolicyReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code actuate zoo}: the shipped agents, with their cards' figures. */
@Command(name = "zoo", mixinStandardHelpOptions = true, description = {
        "List the shipped agents with their evaluations; --model takes their names.",
        "Each is models/<name>.actuate and its card: algorithm, env, steps trained and the deterministic",
        "policy's evaluation. Any command's --model takes a name from this list."})
public final class ZooCommand implements Callable<Integer> {
    @Option(names = "--models", paramLabel = "DIR", description = "Agents' directory (default: the clone's models/)")
    Path models;

    @Option(names = "--json", description = "Print one JSON object ({\"agents\": [...]}) as the last line")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path dir = models != null ? models : ShippedAgents.modelsDir();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException((dir == null ? "no models/ directory found" : dir + ": no such directory")
                    + " (agents are shipped with `actuate ship RUN_DIR --name NAME`)");
        }
        List<String> names = ShippedAgents.names(dir);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode o = mapper.createObjectNode();
        ArrayNode agents = o.putArray("agents");
        System.out.printf(Locale.ROOT, "%d shipped agents in %s%n", names.size(), dir);
        System.out.printf(Locale.ROOT, "%-36s %-5s %-40s %10s %20s %8s  %s%n", "name", "algo", "env", "steps",
                "return (mean ± std)", "success", "evaluation");
        for (String name : names) {
            Path card = dir.resolve(name + ModelCard.SUFFIX);
            ObjectNode a = agents.addObject();
            a.put("name", name);
            if (Files.isRegularFile(card)) {
                ModelCard c = ModelCard.read(card);
                a.put("algo", c.algo()).put("env", c.env()).put("mean_return", c.meanReturn())
                        .put("std_return", c.stdReturn()).put("steps", c.steps()).put("success_rate", c.successRate())
                        .put("episodes", c.episodes()).put("eval_seed", c.evalSeed()).put("card", true);
                System.out.printf(Locale.ROOT, "%-36s %-5s %-40s %10d %20s %8.2f  %d episodes from seed %d%n", name,
                        c.algo(), c.env(), c.steps(), String.format(Locale.ROOT, "%.1f ± %.1f", c.meanReturn(),
                                c.stdReturn()), c.successRate(), c.episodes(), c.evalSeed());
            } else {
                // Shipped without a card: what the policy file itself says, no evaluation.
                PolicyFile p = PolicyReader.read(dir.resolve(name + ShippedAgents.EXTENSION));
                long steps = p.provenance().path("global_step").asLong(-1);
                a.put("algo", p.algorithm()).put("env", p.envId()).putNull("mean_return").putNull("std_return");
                if (steps >= 0) {
                    a.put("steps", steps);
                } else {
                    a.putNull("steps");
                }
                a.put("card", false);
                System.out.printf(Locale.ROOT, "%-36s %-5s %-40s %10s %20s %8s  no card%n", name, p.algorithm(),
                        p.envId(), steps >= 0 ? Long.toString(steps) : "?", "-", "-");
            }
        }
        if (json) {
            System.out.println(mapper.writeValueAsString(o));
        }
        return 0;
    }
}

package dev.actuate.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a run or model came from: algorithm, env, seed, resolved config, project version and git
 * commit. Written to {@code provenance.json} and into every checkpoint and model header.
 */
public record Provenance(String algorithm, String envId, long seed, Map<String, Object> config,
                         String projectVersion, String gitCommit, String createdAt) {

    /** Captures the current build and time for a run of {@code config}. */
    public static Provenance capture(String algorithm, String envId, long seed, Record config) {
        String v = Provenance.class.getPackage().getImplementationVersion();
        return new Provenance(algorithm, envId, seed, ConfigYaml.toMap(config), v == null ? "dev" : v,
                currentGitCommit(), Instant.now().toString());
    }

    /**
     * The commit the running code was built from ({@code git.properties}, written into the jar at
     * build time, with "-dirty" when the tree had uncommitted changes); else {@code git rev-parse HEAD}
     * in the working directory (tests run from classes); else "unknown".
     */
    public static String currentGitCommit() {
        try (java.io.InputStream in = Provenance.class.getResourceAsStream("/git.properties")) {
            if (in != null) {
                java.util.Properties p = new java.util.Properties();
                p.load(in);
                String id = p.getProperty("git.commit.id.full", "");
                if (id.matches("[0-9a-f]{40}")) {
                    return "true".equals(p.getProperty("git.dirty")) ? id + "-dirty" : id;
                }
            }
        } catch (IOException e) {
            // fall through to asking git
        }
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    public ObjectNode toJson() {
        return Checkpoint.json().valueToTree(this);
    }

    public static Provenance fromJson(JsonNode node) throws IOException {
        try {
            return Checkpoint.json().treeToValue(node, Provenance.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("bad provenance: " + e.getOriginalMessage(), e);
        }
    }
}

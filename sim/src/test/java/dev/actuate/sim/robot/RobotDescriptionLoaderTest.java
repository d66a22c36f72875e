package dev.actuate.sim.robot;

import dev.actuate.sim.Envs;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Validation of robot descriptions: each error names the file, the field path and the reason. */
class RobotDescriptionLoaderTest {
    static final Path FILE = Path.of("robots", "slider.yaml");

    /** A box on a frictionless rail, pushed by a force: small enough to edit in each case. */
    static final String SLIDER = """
            robot: slider
            broker: tcp://127.0.0.1:1883
            rate_hz: 50
            signals:
              state:
                - {name: x, unit: m, min: -5, max: 5}
                - {name: v, unit: m/s}
              command:
                - {name: f, min: -1, max: 1}
            model:
              gravity: [0, 0]
              bodies:
                - {name: rail, fixed: true}
                - {name: block, shape: {type: box, size: [0.2, 0.2]}, mass: 2.0}
              joints:
                - {name: slide, type: prismatic, parent: rail, child: block, anchor: [0, 0], axis: [1, 0],
                   limits: [-4, 4], motor: {max_force: 8}}
              sensors:
                - {name: pos, type: joint_position, joint: slide}
                - {name: vel, type: joint_velocity, joint: slide}
            task:
              observations:
                - {signal: x, sensor: pos}
                - {signal: v, sensor: vel}
              actions:
                - {signal: f, joint: slide, type: force}
              rewards:
                - {type: pose_error, joint: slide, target: 1, weight: -1}
              max_episode_steps: 100
              reward_threshold: -10
            """;

    static RobotDescription parse(String text) {
        return RobotDescriptionLoader.parse(text, FILE);
    }

    @Test
    void parsesAValidDescription() {
        RobotDescription d = parse(SLIDER);
        assertThat(d.name()).isEqualTo("slider");
        assertThat(d.rateHz()).isEqualTo(50);
        assertThat(d.model().bodies()).extracting(Model.Body::name).containsExactly("rail", "block");
        Model.Joint j = d.model().joints().get(0);
        assertThat(j.type()).isEqualTo(Model.JointType.PRISMATIC);
        assertThat(j.lower()).isEqualTo(-4);
        assertThat(j.maxEffort()).isEqualTo(8);
        assertThat(d.task().actions().get(0).scale()).as("default scale: the motor's max force").isEqualTo(8);
        assertThat(d.task().observations().get(1).max()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(d.randomization().isEmpty()).isTrue();
    }

    private static void rejects(String from, String to, String... fragments) {
        assertThat(SLIDER).contains(from);
        assertThatThrownBy(() -> parse(SLIDER.replace(from, to)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(FILE + ": ")
                .satisfies(e -> {
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
    }

    @Test
    void unknownKeysAreRejectedWithTheirPath() {
        rejects("mass: 2.0}", "mass: 2.0, colour: red}", "model.bodies[block].colour: unknown key", "allowed:");
        rejects("  gravity:", "  gravty:", "model.gravty: unknown key");
        rejects("  max_episode_steps:", "  max_steps:", "task.max_steps: unknown key");
        rejects("motor: {max_force: 8}", "motor: {max_torque: 8}", "model.joints[slide].motor.max_torque: unknown key");
    }

    @Test
    void aReachBonusNeedsATargetAndARadius() {
        rejects("- {type: pose_error, joint: slide, target: 1, weight: -1}", "- {type: target_within, radius: 0.1, weight: 1}",
                "task.rewards[0].type", "target_within needs task.target");
        rejects("- {type: pose_error, joint: slide, target: 1, weight: -1}", "- {type: alive, radius: 0.1, weight: 1}",
                "task.rewards[0].radius", "only a target_within term has a radius");
    }

    @Test
    void aJointReferencingAMissingBodyIsRejected() {
        rejects("child: block", "child: blok", "model.joints[slide].child", "missing body 'blok'");
        rejects("parent: rail", "parent: ground", "model.joints[slide].parent", "missing body 'ground'");
    }

    @Test
    void limitsOutOfOrderAreRejected() {
        rejects("limits: [-4, 4]", "limits: [4, -4]", "model.joints[slide].limits", "out of order");
        rejects("limits: [-4, 4]", "limits: [1, 4]", "model.joints[slide].limits", "must contain 0");
    }

    @Test
    void observationTermsMustBeBoundToTheStateSignalsInOrder() {
        rejects("- {signal: x, sensor: pos}", "- {sensor: pos}", "task.observations[0].signal",
                "must name the state signal");
        rejects("- {signal: x, sensor: pos}", "- {signal: position, sensor: pos}", "task.observations[0].signal",
                "'position' is not a signal in signals.state (x, v)");
        rejects("""
                    - {signal: x, sensor: pos}
                    - {signal: v, sensor: vel}
                """, """
                    - {signal: v, sensor: vel}
                    - {signal: x, sensor: pos}
                """, "task.observations[0].signal", "must follow the order of signals.state");
        rejects("    - {signal: v, sensor: vel}\n", "", "task.observations", "no term for signals.state[v]");
        rejects("{signal: x, sensor: pos}", "{signal: x, sensor: position}", "missing sensor 'position'");
    }

    @Test
    void actionTermsMustMatchTheCommandSignalsAndTheJoint() {
        rejects("{signal: f, joint: slide, type: force}", "{signal: g, joint: slide, type: force}",
                "task.actions[0].signal", "'g' is not a signal in signals.command");
        rejects("{signal: f, joint: slide, type: force}", "{signal: f, joint: slide, type: torque}",
                "task.actions[0].type", "torque does not apply to the prismatic joint 'slide'");
        rejects("{signal: f, joint: slide, type: force}", "{signal: f, joint: hinge, type: force}",
                "task.actions[0].joint", "missing joint 'hinge'");
        rejects("{name: f, min: -1, max: 1}", "{name: f}", "signals.command[f]", "finite min and max");
    }

    @Test
    void badBodiesAndRandomisationAreRejected() {
        rejects("mass: 2.0}", "}", "model.bodies[block]", "density (kg/m^2) or mass (kg)");
        rejects("size: [0.2, 0.2]", "size: [0.2, -1]", "model.bodies[block].shape.size", "positive");
        rejects("type: box", "type: blob", "model.bodies[block].shape.type", "not one of box, circle, polygon");
        rejects("  reward_threshold: -10\n", "  reward_threshold: -10\nrandomize:\n  - {param: mass, bodies: [blok], scale: [0.5, 2]}\n",
                "randomize[0].bodies[0]", "missing body 'blok'");
        rejects("  reward_threshold: -10\n", "  reward_threshold: -10\nrandomize:\n  - {param: mass, scale: [2, 0.5]}\n",
                "randomize[0].scale", "out of order");
        rejects("  reward_threshold: -10\n", "  reward_threshold: -10\nrandomize:\n  - {param: motor, bodies: [block], scale: 1}\n",
                "randomize[0].bodies", "motor applies to joints");
    }

    @Test
    void aFileWithoutAModelIsNotASimulator() {
        String hardwareOnly = SLIDER.substring(0, SLIDER.indexOf("model:"));
        assertThatThrownBy(() -> parse(hardwareOnly)).hasMessageContaining(FILE + ": model: is required");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> Envs.make("no/such/robot.yaml")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no/such/robot.yaml does not exist");
        assertThatThrownBy(() -> Envs.make("NoSuchEnv-v0")).hasMessageContaining("or the path of a robot YAML");
    }

    @Test
    void aVariantReplacesTheRandomisationOfItsBase(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("slider.yaml"), SLIDER);
        Path variant = dir.resolve("sub").resolve("slider-dr.yaml");
        java.nio.file.Files.createDirectories(variant.getParent());
        java.nio.file.Files.writeString(variant, "base: ../slider.yaml\nrandomize:\n  - {param: mass, scale: [0.5, 2]}\n");
        RobotDescription d = RobotDescriptionLoader.load(variant);
        assertThat(d.file()).isEqualTo(variant);
        assertThat(d.name()).isEqualTo("slider");
        assertThat(d.stateNames()).containsExactly("x", "v");
        assertThat(d.randomization().entries()).hasSize(1);
        assertThat(d.randomization().entries().get(0).targets()).containsExactly("block"); // moving bodies
        java.nio.file.Files.writeString(variant, "base: ../slider.yaml\nrate_hz: 100\n");
        assertThatThrownBy(() -> RobotDescriptionLoader.load(variant)).hasMessageContaining(variant + ": rate_hz: unknown key");
        java.nio.file.Files.writeString(variant, "base: slider.yaml\n");
        assertThatThrownBy(() -> RobotDescriptionLoader.load(variant)).hasMessageContaining("does not exist");
    }
}

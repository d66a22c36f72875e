package dev.actuate.hw.mqtt;

/** The native protocol's topic names for one robot (docs/protocol.md). */
public record Topics(String robot) {
    public static final String PREFIX = "actuate/";

    public Topics {
        if (robot == null || robot.isEmpty() || robot.contains("/") || robot.contains("+") || robot.contains("#")) {
            throw new IllegalArgumentException("robot id '" + robot + "' must be non-empty without '/', '+' or '#'");
        }
    }

    /** Robot to controller, STATE frames, QoS 0. */
    public String state() {
        return PREFIX + robot + "/state";
    }

    /** Controller to robot, COMMAND frames, QoS 0, not retained. */
    public String command() {
        return PREFIX + robot + "/command";
    }

    /** The robot's presence, "online"/"offline", QoS 1 retained, the robot's Last Will. */
    public String status() {
        return PREFIX + robot + "/status";
    }

    /** The controller's presence, "online"/"offline", QoS 1 retained, the controller's Last Will. */
    public String controllerStatus() {
        return PREFIX + robot + "/controller/status";
    }

    /** Emergency stop: "stop" latches, "reset" releases; QoS 1. */
    public String estop() {
        return PREFIX + robot + "/estop";
    }
}

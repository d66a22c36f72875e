package dev.actuate.sim.arm;

/**
 * One revolute joint of {@link PlanarArm} as a hardware configuration sees it: the name that
 * prefixes its signals ({@code joint1/position}, {@code joint1/velocity}, {@code joint1/torque}) and
 * its limits in SI units.
 *
 * @param name          signal prefix, e.g. {@code joint1}
 * @param positionMin   lower joint-angle limit, rad
 * @param positionMax   upper joint-angle limit, rad
 * @param velocityLimit speed bound of the velocity signal, rad/s (the observation is clipped to it)
 * @param torqueLimit   torque at action +-1, N m
 * @param damping       viscous joint damping, N m s/rad
 * @param friction      Coulomb joint friction, N m
 */
public record ArmJoint(String name, double positionMin, double positionMax, double velocityLimit,
                       double torqueLimit, double damping, double friction) {
    public ArmJoint {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("joint name is blank");
        }
        if (!(positionMin < positionMax)) {
            throw new IllegalArgumentException(name + ": positionMin " + positionMin + " >= positionMax " + positionMax);
        }
        if (!(velocityLimit > 0) || !(torqueLimit > 0) || !(damping >= 0) || !(friction >= 0)) {
            throw new IllegalArgumentException(name + ": limits must be positive and damping/friction non-negative");
        }
    }
}

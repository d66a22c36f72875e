package dev.actuate.sim.robot;

import dev.actuate.sim.robot.Model.SensorType;
import dev.actuate.sim.robot.Task.ActionTerm;
import dev.actuate.sim.robot.Task.ObservationTerm;
import dev.actuate.sim.robot.Task.RewardTerm;
import dev.actuate.sim.robot.Task.RewardType;
import dev.actuate.sim.robot.Task.TargetReading;
import dev.actuate.sim.robot.Task.Termination;
import dev.actuate.sim.robot.Task.TerminationType;
import dev.actuate.sim.robot.Task.Transform;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A description's joints and task terms resolved once into flat arrays of indices, kinds and
 * constants, so that {@link DescribedEnv}'s step walks no lists, looks up no names and allocates
 * nothing. Built from a description the loader has validated; every index is into the model's
 * bodies, joints or sensors, in model order.
 */
final class Bindings {
    // Joints, in model order.
    final int[] parent;
    final int[] child;
    final boolean[] revolute;
    final boolean[] limited;
    final double[] lower;
    final double[] upper;
    final double[] damping;
    final double[] friction;
    final double[] maxEffort;
    /** The moving bodies, the only ones a torque can act on. */
    final int[] dynamicBodies;

    // Actions, one per command signal.
    final int[] actionJoint;
    final boolean[] actionVelocity;
    final double[] actionMin;
    final double[] actionMax;
    final double[] actionScale;

    // Observations, one per state signal: a sensor (obsSensor set, obsIndex its joint or body) or a
    // target reading (obsSensor null, obsTarget set).
    final SensorType[] obsSensor;
    final int[] obsIndex;
    final TargetReading[] obsTarget;
    final Transform[] obsTransform;
    final double[] obsMin;
    final double[] obsMax;

    // Reward terms: rewardIndex is the term's joint or body (-1 for neither).
    final RewardType[] rewardType;
    final double[] rewardWeight;
    final int[] rewardIndex;
    final double[] rewardTarget;

    // Terminations: terminationIndex is the condition's joint or body.
    final TerminationType[] terminationType;
    final int[] terminationIndex;
    final double[] terminationMin;
    final double[] terminationMax;

    /** Success: {@code successBody} within {@code successAngle} of upright when >= 0, else the site within {@code successRadius}. */
    final boolean hasSuccess;
    final int successBody;
    final double successAngle;
    final double successRadius;

    /** The target's body, or -1 without a target; the joints from the root to it, root first; the root body. */
    final int targetBody;
    final int[] siteChain;
    final int siteRoot;
    /** Whether any term reads the site's distance to the target (computed once per step then). */
    final boolean needsDistance;

    Bindings(Model model, Task task) {
        int nJoints = model.joints().size();
        parent = new int[nJoints];
        child = new int[nJoints];
        revolute = new boolean[nJoints];
        limited = new boolean[nJoints];
        lower = new double[nJoints];
        upper = new double[nJoints];
        damping = new double[nJoints];
        friction = new double[nJoints];
        maxEffort = new double[nJoints];
        for (int j = 0; j < nJoints; j++) {
            Model.Joint spec = model.joints().get(j);
            parent[j] = model.bodyIndex(spec.bodyA());
            child[j] = model.bodyIndex(spec.bodyB());
            revolute[j] = spec.type() == Model.JointType.REVOLUTE;
            limited[j] = spec.limited();
            lower[j] = spec.lower();
            upper[j] = spec.upper();
            damping[j] = spec.damping();
            friction[j] = spec.friction();
            maxEffort[j] = spec.maxEffort();
        }
        dynamicBodies = IntStream.range(0, model.bodies().size())
                .filter(b -> !model.bodies().get(b).fixed()).toArray();

        List<ActionTerm> actions = task.actions();
        int nActions = actions.size();
        actionJoint = new int[nActions];
        actionVelocity = new boolean[nActions];
        actionMin = new double[nActions];
        actionMax = new double[nActions];
        actionScale = new double[nActions];
        for (int k = 0; k < nActions; k++) {
            ActionTerm t = actions.get(k);
            actionJoint[k] = model.jointIndex(t.joint());
            actionVelocity[k] = t.type() == Task.ActionType.VELOCITY;
            actionMin[k] = t.min();
            actionMax[k] = t.max();
            actionScale[k] = t.scale();
        }

        List<ObservationTerm> observations = task.observations();
        int nObs = observations.size();
        obsSensor = new SensorType[nObs];
        obsIndex = new int[nObs];
        obsTarget = new TargetReading[nObs];
        obsTransform = new Transform[nObs];
        obsMin = new double[nObs];
        obsMax = new double[nObs];
        boolean distance = false;
        for (int i = 0; i < nObs; i++) {
            ObservationTerm t = observations.get(i);
            if (t.sensor() != null) {
                Model.Sensor s = model.sensors().get(model.sensorIndex(t.sensor()));
                obsSensor[i] = s.type();
                obsIndex[i] = s.type().onJoint() ? model.jointIndex(s.target()) : model.bodyIndex(s.target());
            } else {
                obsTarget[i] = t.targetReading();
                obsIndex[i] = -1;
                distance |= t.targetReading() == TargetReading.DISTANCE;
            }
            obsTransform[i] = t.transform();
            obsMin[i] = t.min();
            obsMax[i] = t.max();
        }

        List<RewardTerm> rewards = task.rewards();
        int nRewards = rewards.size();
        rewardType = new RewardType[nRewards];
        rewardWeight = new double[nRewards];
        rewardIndex = new int[nRewards];
        rewardTarget = new double[nRewards];
        for (int r = 0; r < nRewards; r++) {
            RewardTerm t = rewards.get(r);
            rewardType[r] = t.type();
            rewardWeight[r] = t.weight();
            rewardIndex[r] = switch (t.type()) {
                case POSE_ERROR, JOINT_VELOCITY -> model.jointIndex(t.joint());
                case UPRIGHT -> model.bodyIndex(t.body());
                case TARGET_DISTANCE, TARGET_WITHIN, CONTROL, ALIVE -> -1;
            };
            rewardTarget[r] = t.target();
            distance |= t.type() == RewardType.TARGET_DISTANCE || t.type() == RewardType.TARGET_WITHIN;
        }

        List<Termination> terminations = task.terminations();
        int nTerm = terminations.size();
        terminationType = new TerminationType[nTerm];
        terminationIndex = new int[nTerm];
        terminationMin = new double[nTerm];
        terminationMax = new double[nTerm];
        for (int i = 0; i < nTerm; i++) {
            Termination t = terminations.get(i);
            terminationType[i] = t.type();
            terminationIndex[i] = t.type() == TerminationType.JOINT_POSITION
                    ? model.jointIndex(t.joint()) : model.bodyIndex(t.body());
            terminationMin[i] = t.min();
            terminationMax[i] = t.max();
        }

        Task.Success s = task.success();
        hasSuccess = s != null;
        successBody = s == null || s.uprightBody() == null ? -1 : model.bodyIndex(s.uprightBody());
        successAngle = s == null ? Double.NaN : s.uprightAngle();
        successRadius = s == null ? Double.NaN : s.targetRadius();
        distance |= hasSuccess && successBody < 0;

        targetBody = task.target() == null ? -1 : model.bodyIndex(task.target().body());
        ArrayList<Integer> chain = new ArrayList<>();
        int root = targetBody;
        for (int b = targetBody; b >= 0; ) {
            int up = -1;
            for (int j = 0; j < nJoints; j++) {
                if (child[j] == b) {
                    up = j;
                }
            }
            if (up < 0) {
                break;
            }
            chain.add(0, up);
            b = parent[up];
            root = b;
        }
        siteChain = chain.stream().mapToInt(Integer::intValue).toArray();
        siteRoot = root;
        needsDistance = distance;
    }
}

package dev.actuate.sim.box2d;

import org.jbox2d.common.MathUtils;
import org.jbox2d.common.Settings;
import org.jbox2d.dynamics.Body;
import org.jbox2d.dynamics.Island;
import org.jbox2d.dynamics.TimeStep;
import org.jbox2d.dynamics.World;
import org.jbox2d.dynamics.contacts.ContactSolver;
import org.jbox2d.dynamics.contacts.ContactVelocityConstraint;
import org.jbox2d.dynamics.contacts.Position;
import org.jbox2d.dynamics.contacts.Velocity;

import java.lang.reflect.Field;

/**
 * Gives a JBox2D world Box2D 2.3's two-point contact solver.
 *
 * <p>Both solve a contact with two manifold points as one 2x2 block, unless its effective-mass
 * matrix K is ill-conditioned, in which case they drop the second point. Box2D 2.3 drops it when
 * {@code k11^2 >= 1000 det(K)}; JBox2D 2.2.1.1 already when {@code k11^2 >= 100 det(K)}
 * ({@code ContactSolver.k_maxConditionNumber}, a compile-time constant). Between the two lies the
 * walker's foot on flat ground: a narrow box whose two contact points are close together relative
 * to their lever arm, so JBox2D let the foot pivot on one point where the reference holds it flat.
 * The replay showed it as a knee error of 1e-3 after the very first step; with the 2.3 threshold
 * the walker replays to about 1e-6 over its first steps.
 *
 * <p>JBox2D makes the decision in a final method, so the correction runs right after it, before
 * any impulse is applied: {@link ConditionedContactSolver} restores the dropped point wherever
 * Box2D 2.3 would have kept it, in the main step (from {@code warmStart}, which JBox2D calls next)
 * and in the time-of-impact sub-steps ({@link TimeOfImpactIsland}, whose {@code solveTOI} is
 * Box2D 2.3's {@code b2Island::SolveTOI}). {@link #install} puts both into a world's islands
 * (JBox2D has no setter for them, hence reflection, checked once at class load).
 */
final class Box2d23Solver {
    /** Box2D 2.3's {@code k_maxConditionNumber} in {@code b2ContactSolver::InitializeVelocityConstraints}. */
    static final float MAX_CONDITION_NUMBER = 1000.0f;

    private Box2d23Solver() {
    }

    private static final Field WORLD_ISLAND = field(World.class, "island");
    private static final Field WORLD_TOI_ISLAND = field(World.class, "toiIsland");
    private static final Field ISLAND_CONTACT_SOLVER = field(Island.class, "contactSolver");

    /**
     * Replaces the contact solvers of {@code world}'s step and time-of-impact islands with
     * {@code parts}' (an env reuses its parts for every world it builds, one world at a time).
     */
    static void install(World world, Parts parts) {
        try {
            ISLAND_CONTACT_SOLVER.set(WORLD_ISLAND.get(world), parts.stepSolver);
            WORLD_TOI_ISLAND.set(world, parts.toiIsland);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("JBox2D world islands not writable: this correction is written for"
                    + " JBox2D 2.2.1.1", e);
        }
    }

    private static Field field(Class<?> owner, String name) {
        try {
            Field f = owner.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("JBox2D " + owner.getSimpleName() + "." + name
                    + " not found: this correction is written for JBox2D 2.2.1.1", e);
        }
    }

    /**
     * The replacement solvers for one world at a time. They keep no state between steps, so an env
     * reuses one set for every world it builds (each holds hundreds of preallocated constraints).
     */
    static final class Parts {
        final ConditionedContactSolver stepSolver = new ConditionedContactSolver();
        final TimeOfImpactIsland toiIsland = new TimeOfImpactIsland();
    }

    /** JBox2D's contact solver with Box2D 2.3's block-solver threshold. */
    static final class ConditionedContactSolver extends ContactSolver {
        @Override
        public void warmStart() {
            restoreBlockPairs();
            super.warmStart();
        }

        /**
         * Undoes JBox2D's dropping of a second contact point wherever K's condition is under
         * Box2D 2.3's bound; call right after {@code initializeVelocityConstraints}. JBox2D has
         * already filled both points' data, so only the block matrices are missing. Same float
         * operations as {@code initializeVelocityConstraints}.
         */
        void restoreBlockPairs() {
            for (int i = 0; i < m_count; i++) {
                ContactVelocityConstraint vc = m_velocityConstraints[i];
                if (vc.pointCount != 1 || m_contacts[vc.contactIndex].getManifold().pointCount != 2) {
                    continue;
                }
                ContactVelocityConstraint.VelocityConstraintPoint p1 = vc.points[0];
                ContactVelocityConstraint.VelocityConstraintPoint p2 = vc.points[1];
                float mA = vc.invMassA;
                float mB = vc.invMassB;
                float iA = vc.invIA;
                float iB = vc.invIB;
                float rn1A = p1.rA.x * vc.normal.y - p1.rA.y * vc.normal.x;
                float rn1B = p1.rB.x * vc.normal.y - p1.rB.y * vc.normal.x;
                float rn2A = p2.rA.x * vc.normal.y - p2.rA.y * vc.normal.x;
                float rn2B = p2.rB.x * vc.normal.y - p2.rB.y * vc.normal.x;
                float k11 = mA + mB + iA * rn1A * rn1A + iB * rn1B * rn1B;
                float k22 = mA + mB + iA * rn2A * rn2A + iB * rn2B * rn2B;
                float k12 = mA + mB + iA * rn1A * rn2A + iB * rn1B * rn2B;
                if (k11 * k11 < MAX_CONDITION_NUMBER * (k11 * k22 - k12 * k12)) {
                    vc.pointCount = 2;
                    vc.K.ex.set(k11, k12);
                    vc.K.ey.set(k12, k22);
                    vc.K.invertToOut(vc.normalMass);
                }
            }
        }
    }

    /** A time-of-impact island whose sub-step uses {@link ConditionedContactSolver}. */
    static final class TimeOfImpactIsland extends Island {
        private final ConditionedContactSolver solver = new ConditionedContactSolver();
        private final ContactSolver.ContactSolverDef def = new ContactSolver.ContactSolverDef();

        /**
         * Box2D 2.3's {@code b2Island::SolveTOI}: push the two bodies of the time-of-impact contact
         * apart, restart their sweeps there, then solve velocities (no warm start) and integrate
         * the rest of the step.
         */
        @Override
        public void solveTOI(TimeStep subStep, int toiIndexA, int toiIndexB) {
            for (int i = 0; i < m_bodyCount; i++) {
                Body b = m_bodies[i];
                m_positions[i].c.set(b.m_sweep.c);
                m_positions[i].a = b.m_sweep.a;
                m_velocities[i].v.set(b.m_linearVelocity);
                m_velocities[i].w = b.m_angularVelocity;
            }
            def.contacts = m_contacts;
            def.count = m_contactCount;
            def.step = subStep;
            def.positions = m_positions;
            def.velocities = m_velocities;
            solver.init(def);
            for (int i = 0; i < subStep.positionIterations; i++) {
                if (solver.solveTOIPositionConstraints(toiIndexA, toiIndexB)) {
                    break;
                }
            }
            m_bodies[toiIndexA].m_sweep.c0.set(m_positions[toiIndexA].c);
            m_bodies[toiIndexA].m_sweep.a0 = m_positions[toiIndexA].a;
            m_bodies[toiIndexB].m_sweep.c0.set(m_positions[toiIndexB].c);
            m_bodies[toiIndexB].m_sweep.a0 = m_positions[toiIndexB].a;

            solver.initializeVelocityConstraints();
            solver.restoreBlockPairs();
            for (int i = 0; i < subStep.velocityIterations; i++) {
                solver.solveVelocityConstraints();
            }

            float h = subStep.dt;
            for (int i = 0; i < m_bodyCount; i++) {
                Position p = m_positions[i];
                Velocity vel = m_velocities[i];
                float vx = vel.v.x;
                float vy = vel.v.y;
                float w = vel.w;
                float tx = vx * h;
                float ty = vy * h;
                if (tx * tx + ty * ty > Settings.maxTranslationSquared) {
                    float ratio = Settings.maxTranslation / MathUtils.sqrt(tx * tx + ty * ty);
                    vx *= ratio;
                    vy *= ratio;
                }
                float rotation = h * w;
                if (rotation * rotation > Settings.maxRotationSquared) {
                    w *= Settings.maxRotation / MathUtils.abs(rotation);
                }
                p.c.x += vx * h;
                p.c.y += vy * h;
                p.a += h * w;
                vel.v.set(vx, vy);
                vel.w = w;
                Body body = m_bodies[i];
                body.m_sweep.c.set(p.c);
                body.m_sweep.a = p.a;
                body.m_linearVelocity.set(vx, vy);
                body.m_angularVelocity = w;
                body.synchronizeTransform();
            }
            report(solver.m_velocityConstraints);
        }
    }
}

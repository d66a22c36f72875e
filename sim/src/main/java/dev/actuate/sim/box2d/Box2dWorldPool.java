package dev.actuate.sim.box2d;

import org.jbox2d.collision.AABB;
import org.jbox2d.collision.Collision;
import org.jbox2d.collision.Distance;
import org.jbox2d.collision.TimeOfImpact;
import org.jbox2d.common.Mat22;
import org.jbox2d.common.Mat33;
import org.jbox2d.common.Rot;
import org.jbox2d.common.Settings;
import org.jbox2d.common.Vec2;
import org.jbox2d.common.Vec3;
import org.jbox2d.dynamics.Fixture;
import org.jbox2d.dynamics.World;
import org.jbox2d.dynamics.contacts.ChainAndCircleContact;
import org.jbox2d.dynamics.contacts.ChainAndPolygonContact;
import org.jbox2d.dynamics.contacts.CircleContact;
import org.jbox2d.dynamics.contacts.Contact;
import org.jbox2d.dynamics.contacts.EdgeAndCircleContact;
import org.jbox2d.dynamics.contacts.EdgeAndPolygonContact;
import org.jbox2d.dynamics.contacts.PolygonAndCircleContact;
import org.jbox2d.dynamics.contacts.PolygonContact;
import org.jbox2d.pooling.IDynamicStack;
import org.jbox2d.pooling.IWorldPool;
import org.jbox2d.pooling.normal.DefaultWorldPool;
import org.jbox2d.pooling.normal.MutableStack;

/**
 * JBox2D's default world pool, except that every contact it hands out starts <em>enabled</em>,
 * as a new {@code b2Contact} does in C++ Box2D 2.3.
 *
 * <p>JBox2D 2.2.1.1's {@code Contact.init} clears all flags, where Box2D's constructor sets
 * {@code e_enabledFlag}. A contact created by the broad phase at the end of a step's solve
 * (two fixtures that just started to overlap) is then skipped by that step's time-of-impact pass,
 * which ignores disabled contacts: a walker's foot or a lander leg moving fast towards the ground
 * sinks into it for a step instead of being stopped at first touch, and its begin-contact event
 * comes a step late. The replay against recorded Gymnasium episodes showed it at the very first
 * step of every walker episode. Supplying contacts whose {@code init} sets the flag restores
 * Box2D's behaviour without changing JBox2D.
 */
final class Box2dWorldPool implements IWorldPool {
    private final DefaultWorldPool base = new DefaultWorldPool(World.WORLD_POOL_SIZE, World.WORLD_POOL_CONTAINER_SIZE);

    private final IDynamicStack<Contact> polygon = stack(() -> new PolygonContact(this) {
        @Override
        public void init(Fixture fA, int iA, Fixture fB, int iB) {
            super.init(fA, iA, fB, iB);
            m_flags |= ENABLED_FLAG;
        }
    });
    private final IDynamicStack<Contact> circle = stack(() -> new CircleContact(this) {
        @Override
        public void init(Fixture fA, int iA, Fixture fB, int iB) {
            super.init(fA, iA, fB, iB);
            m_flags |= ENABLED_FLAG;
        }
    });
    private final IDynamicStack<Contact> polygonCircle = stack(() -> new PolygonAndCircleContact(this) {
        @Override
        public void init(Fixture fA, int iA, Fixture fB, int iB) {
            super.init(fA, iA, fB, iB);
            m_flags |= ENABLED_FLAG;
        }
    });
    private final IDynamicStack<Contact> edgeCircle = stack(() -> new EdgeAndCircleContact(this) {
        @Override
        public void init(Fixture fA, int iA, Fixture fB, int iB) {
            super.init(fA, iA, fB, iB);
            m_flags |= ENABLED_FLAG;
        }
    });
    private final IDynamicStack<Contact> edgePolygon = stack(() -> new EdgeAndPolygonContact(this) {
        @Override
        public void init(Fixture fA, int iA, Fixture fB, int iB) {
            super.init(fA, iA, fB, iB);
            m_flags |= ENABLED_FLAG;
        }
    });
    private final IDynamicStack<Contact> chainCircle = stack(() -> new ChainAndCircleContact(this) {
        @Override
        public void init(Fixture fA, int iA, Fixture fB, int iB) {
            super.init(fA, iA, fB, iB);
            m_flags |= ENABLED_FLAG;
        }
    });
    private final IDynamicStack<Contact> chainPolygon = stack(() -> new ChainAndPolygonContact(this) {
        @Override
        public void init(Fixture fA, int iA, Fixture fB, int iB) {
            super.init(fA, iA, fB, iB);
            m_flags |= ENABLED_FLAG;
        }
    });

    private static IDynamicStack<Contact> stack(java.util.function.Supplier<Contact> factory) {
        return new MutableStack<>(Settings.CONTACT_STACK_INIT_SIZE) {
            @Override
            protected Contact newInstance() {
                return factory.get();
            }
        };
    }

    @Override
    public IDynamicStack<Contact> getPolyContactStack() {
        return polygon;
    }

    @Override
    public IDynamicStack<Contact> getCircleContactStack() {
        return circle;
    }

    @Override
    public IDynamicStack<Contact> getPolyCircleContactStack() {
        return polygonCircle;
    }

    @Override
    public IDynamicStack<Contact> getEdgeCircleContactStack() {
        return edgeCircle;
    }

    @Override
    public IDynamicStack<Contact> getEdgePolyContactStack() {
        return edgePolygon;
    }

    @Override
    public IDynamicStack<Contact> getChainCircleContactStack() {
        return chainCircle;
    }

    @Override
    public IDynamicStack<Contact> getChainPolyContactStack() {
        return chainPolygon;
    }

    // Everything else is the default pool's.

    @Override
    public Vec2 popVec2() {
        return base.popVec2();
    }

    @Override
    public Vec2[] popVec2(int num) {
        return base.popVec2(num);
    }

    @Override
    public void pushVec2(int num) {
        base.pushVec2(num);
    }

    @Override
    public Vec3 popVec3() {
        return base.popVec3();
    }

    @Override
    public Vec3[] popVec3(int num) {
        return base.popVec3(num);
    }

    @Override
    public void pushVec3(int num) {
        base.pushVec3(num);
    }

    @Override
    public Mat22 popMat22() {
        return base.popMat22();
    }

    @Override
    public Mat22[] popMat22(int num) {
        return base.popMat22(num);
    }

    @Override
    public void pushMat22(int num) {
        base.pushMat22(num);
    }

    @Override
    public Mat33 popMat33() {
        return base.popMat33();
    }

    @Override
    public void pushMat33(int num) {
        base.pushMat33(num);
    }

    @Override
    public AABB popAABB() {
        return base.popAABB();
    }

    @Override
    public AABB[] popAABB(int num) {
        return base.popAABB(num);
    }

    @Override
    public void pushAABB(int num) {
        base.pushAABB(num);
    }

    @Override
    public Rot popRot() {
        return base.popRot();
    }

    @Override
    public void pushRot(int num) {
        base.pushRot(num);
    }

    @Override
    public Collision getCollision() {
        return base.getCollision();
    }

    @Override
    public TimeOfImpact getTimeOfImpact() {
        return base.getTimeOfImpact();
    }

    @Override
    public Distance getDistance() {
        return base.getDistance();
    }

    @Override
    public float[] getFloatArray(int argLength) {
        return base.getFloatArray(argLength);
    }

    @Override
    public int[] getIntArray(int argLength) {
        return base.getIntArray(argLength);
    }

    @Override
    public Vec2[] getVec2Array(int argLength) {
        return base.getVec2Array(argLength);
    }
}

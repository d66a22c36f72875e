package dev.actuate.hw.mqtt;

import io.moquette.broker.Server;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.concurrent.BlockingQueue;

/**
 * Restarts Moquette 0.17 session event loops whose thread a throwing command ended, on the same queue.
 *
 * <p>Moquette 0.17 runs every session on one of a fixed set of loop threads; a command that throws ends its
 * loop's thread for good, and every client pinned to that loop silently stalls. Upstream fixed this by
 * catching the error inside the loop (moquette-io/moquette#957, after the last release we can resolve). This
 * class does the equivalent from outside: it starts a new loop thread on the dead loop's queue, so the
 * queued commands run and only the throwing one is lost, with no outage for the other clients. It reaches
 * Moquette's package-private fields by reflection, which only 0.17's layout is known to have; {@link #attach}
 * returns null on any other layout and the caller falls back to restarting the broker.
 */
final class SessionLoopReviver {
    private final Object group;
    private final Thread[] loops;
    private final BlockingQueue<?>[] queues;
    private final Constructor<?> newLoop;
    /** Taken while the loops are alive: a terminated thread has its handler cleared by the JVM. */
    private final Thread.UncaughtExceptionHandler[] handlers;

    private SessionLoopReviver(Object group, Thread[] loops, BlockingQueue<?>[] queues, Constructor<?> newLoop) {
        this.group = group;
        this.loops = loops;
        this.queues = queues;
        this.newLoop = newLoop;
        this.handlers = new Thread.UncaughtExceptionHandler[loops.length];
        for (int i = 0; i < loops.length; i++) {
            handlers[i] = loops[i].getUncaughtExceptionHandler();
        }
    }

    /** The reviver for a started server, or null where Moquette's internals are not 0.17's. */
    static SessionLoopReviver attach(Server server) {
        try {
            Object postOffice = field(Server.class, "dispatcher").get(server);
            Object group = field(postOffice.getClass(), "sessionLoops").get(postOffice);
            Thread[] loops = (Thread[]) field(group.getClass(), "sessionExecutors").get(group);
            BlockingQueue<?>[] queues = (BlockingQueue<?>[]) field(group.getClass(), "sessionQueues").get(group);
            Constructor<?> c = Class.forName("io.moquette.broker.SessionEventLoop").getDeclaredConstructor(BlockingQueue.class);
            c.setAccessible(true);
            if (loops.length != queues.length) {
                return null;
            }
            return new SessionLoopReviver(group, loops, queues, c);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    /** Index of the loop that serves {@code clientId}, as Moquette 0.17 pins sessions. */
    int loopOf(String clientId) {
        return Math.abs(clientId.hashCode()) % loops.length;
    }

    int loopCount() {
        return loops.length;
    }

    /** The loop group itself (tests route a command through it). */
    Object group() {
        return group;
    }

    /**
     * Waits up to {@code timeoutMs} for a loop thread to end (the error is reported while the dying thread
     * still runs its exception handler), then replaces every ended one; returns how many were replaced.
     */
    synchronized int reviveDead(long timeoutMs) throws ReflectiveOperationException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            int revived = 0;
            for (int i = 0; i < loops.length; i++) {
                if (!loops[i].isAlive()) {
                    Thread t = (Thread) newLoop.newInstance(queues[i]);
                    t.setName(loops[i].getName());
                    t.setUncaughtExceptionHandler(handlers[i]);
                    t.start();
                    loops[i] = t;
                    revived++;
                }
            }
            if (revived > 0 || System.nanoTime() > deadline) {
                return revived;
            }
            Thread.sleep(1);
        }
    }
}

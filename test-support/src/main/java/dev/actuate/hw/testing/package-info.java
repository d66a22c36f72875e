/**
 * Test fixtures, for other modules' tests at test scope only (no main jar depends on this module):
 * {@link dev.actuate.hw.testing.MosquittoProcess} is a private Mosquitto (launched by
 * {@code dev.actuate.mosquitto.LocalMosquitto}) with password files, ACLs and a throw-away TLS CA;
 * {@link dev.actuate.hw.testing.ChaosProxy} degrades a loopback TCP link; {@link dev.actuate.hw.testing.Await}
 * polls for a condition.
 */
package dev.actuate.hw.testing;

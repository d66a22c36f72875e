/**
 * Test and benchmark support, in its own small module so no deployable jar carries it:
 * {@link dev.actuate.hw.testing.MosquittoProcess} runs a private Mosquitto broker on a free port
 * (tests at test scope; {@code actuate bench hil} for its loopback-Mosquitto cases); {@link
 * dev.actuate.hw.testing.Await} polls for a condition in tests.
 */
package dev.actuate.hw.testing;

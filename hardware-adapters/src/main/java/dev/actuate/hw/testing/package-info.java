/**
 * Test support shipped in main code so that every module's tests can use it without a test-jar:
 * {@link dev.actuate.hw.testing.MosquittoProcess} runs a private Mosquitto broker on a free port.
 * Nothing in the runtime depends on this package.
 */
package dev.actuate.hw.testing;

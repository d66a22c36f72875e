/**
 * {@link dev.actuate.mosquitto.LocalMosquitto} runs a private Mosquitto broker as a child process on a free
 * loopback port, for {@code actuate bench hil} and (through test-support's {@code MosquittoProcess}) the tests.
 */
package dev.actuate.mosquitto;

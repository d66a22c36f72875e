/** Actuate's own single-threaded MQTT 3.1.1/5 broker: one java.nio selector loop reads, routes and writes every message. */
package dev.actuate.hw.broker;

/** A scriptable fake robot for tests: echoes commands, injects stale/NaN states and failures. */
package dev.actuate.hw.mock;

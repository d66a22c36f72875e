/** Sweeps and multi-seed studies whose trials run as Apache Spark tasks: {@code actuate sweep} and {@code actuate study}. */
package dev.actuate.distributed;

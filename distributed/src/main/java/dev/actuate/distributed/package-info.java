/** Apache Spark tasks for sweeps and multi-seed studies ({@code actuate sweep}, {@code study}) and for PPO rollouts ({@code dtrain}). */
package dev.actuate.distributed;

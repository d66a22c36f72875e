/**
 * Training infrastructure shared by every algorithm: rollout storage with GAE, validated config
 * records bound from YAML, run directories (metrics, curves, provenance), checkpoint files and the
 * progress bar. Each piece is small and tested on its own; the algorithms live in
 * {@code dev.actuate.algo}.
 */
package dev.actuate.train;

/**
 * The learning algorithms, CleanRL style: one class per algorithm whose {@code train} loop reads
 * top to bottom with the paper's names, plus its immutable config record. Shared pieces (rollout
 * storage, run directories, checkpoints) come from {@code dev.actuate.train}; networks and
 * distributions from {@code dev.actuate.nn}.
 */
package dev.actuate.algo;

/**
 * The one self-describing, versioned policy file: {@link dev.actuate.policy.PolicyFile} is its content,
 * {@link dev.actuate.policy.PolicyWriter} the only writer and {@link dev.actuate.policy.PolicyReader} the only
 * reader; the file becomes a run-time {@link dev.actuate.runtime.LoadedModel}.
 */
package dev.actuate.policy;

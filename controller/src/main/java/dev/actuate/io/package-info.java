/** Atomic file writes (temp file beside the target, then a rename) shared by the controller, training and the CLI. */
package dev.actuate.io;

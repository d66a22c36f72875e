/** The {@code actuate} command line (picocli): one subcommand class per command. */
package dev.actuate.cli;

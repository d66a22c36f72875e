package dev.actuate.cli;

import picocli.CommandLine.IVersionProvider;

/** The project version from the jar manifest, and the git commit it was built from where known. */
public final class Version implements IVersionProvider {
    public static String version() {
        String v = Actuate.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"actuate " + version()};
    }
}

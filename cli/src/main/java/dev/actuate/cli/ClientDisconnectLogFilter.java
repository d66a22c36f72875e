package dev.actuate.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

import java.io.IOException;

/**
 * Drops the embedded broker's (Moquette's) ERROR with a stack trace when a client's connection is reset or
 * broken: a client that vanishes (killed, unplugged, Wi-Fi gone) is routine for a broker, and the client's
 * own LWT already reports it. Other Moquette errors still print. Installed in {@code logback.xml}.
 */
public final class ClientDisconnectLogFilter extends Filter<ILoggingEvent> {
    static final String MOQUETTE_HANDLER = "io.moquette.broker.NewNettyMQTTHandler";

    @Override
    public FilterReply decide(ILoggingEvent event) {
        if (!event.getLoggerName().equals(MOQUETTE_HANDLER)) {
            return FilterReply.NEUTRAL;
        }
        IThrowableProxy t = event.getThrowableProxy();
        return t instanceof ThrowableProxy p && p.getThrowable() instanceof IOException
                ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}

package dev.dntme.gateway.hardening;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Records what the application logs at WARN and above, and every logged OutOfMemoryError or StackOverflowError. */
final class LogWatch extends AppenderBase<ILoggingEvent> {

    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<String> exhausted = new CopyOnWriteArrayList<>();

    static LogWatch attach() {
        LogWatch watch = new LogWatch();
        watch.setName("hostile-input-watch");
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        watch.setContext(root.getLoggerContext());
        watch.start();
        root.addAppender(watch);
        return watch;
    }

    void detach() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(this);
        stop();
    }

    @Override
    protected void append(ILoggingEvent event) {
        String text = event.getLoggerName() + ": " + event.getFormattedMessage() + throwables(event.getThrowableProxy());
        if (text.contains("OutOfMemoryError") || text.contains("StackOverflowError")) {
            exhausted.add(text);
        }
        if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
            errors.add(text);
        }
    }

    private static String throwables(IThrowableProxy proxy) {
        StringBuilder out = new StringBuilder();
        for (IThrowableProxy p = proxy; p != null; p = p.getCause()) {
            out.append(" <- ").append(p.getClassName()).append(": ").append(p.getMessage());
        }
        return out.toString();
    }

    int errorCount() {
        return errors.size();
    }

    List<String> errorsSince(int index) {
        return List.copyOf(errors.subList(index, errors.size()));
    }

    List<String> exhausted() {
        return List.copyOf(exhausted);
    }
}

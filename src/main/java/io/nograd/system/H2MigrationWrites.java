package io.nograd.system;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

import org.flywaydb.core.api.callback.BaseCallback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.springframework.stereotype.Component;

/**
 * Lets H2 write the migrations of a new or upgraded database in one go. The server's H2 runs with
 * {@code WRITE_DELAY=0} (every commit written at once), and each DDL statement of a migration commits on its
 * own, so a fresh data directory cost one file write per statement at start-up (the largest part of the
 * migrations' time, bench/results/cluster.md). While Flyway migrates, nothing has been acknowledged to
 * anyone, so the delay goes back to H2's default; after the last migration (or a failed one) it is 0 again
 * and a checkpoint writes everything. A crash meanwhile loses at most the last statements together with
 * their history rows, and the next start applies them again. Other databases are untouched.
 */
@Component
public class H2MigrationWrites extends BaseCallback {

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_MIGRATE || event == Event.AFTER_MIGRATE || event == Event.AFTER_MIGRATE_ERROR;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        if (!isH2(context.getConnection())) return;
        try (Statement s = context.getConnection().createStatement()) {
            if (event == Event.BEFORE_MIGRATE) {
                s.execute("SET WRITE_DELAY 500");
            } else {
                s.execute("SET WRITE_DELAY 0");
                s.execute("CHECKPOINT");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot set H2's write delay around the migrations: " + e.getMessage(), e);
        }
    }

    private static boolean isH2(Connection c) {
        try {
            return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2");
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public String getCallbackName() {
        return "nograd-h2-migration-writes";
    }
}

package io.nograd.system;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.flywaydb.core.api.callback.BaseCallback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.springframework.stereotype.Component;

/**
 * Lets the one set of Flyway migrations run on H2 and on PostgreSQL. The scripts use the standard
 * {@code CLOB} and {@code BLOB} types, which H2 has and PostgreSQL lacks; before migrating a PostgreSQL
 * database this callback creates them there as domains over {@code text} and {@code bytea}, once. On any
 * other database it does nothing, so the H2 default is untouched.
 */
@Component
public class PortableSchema extends BaseCallback {

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        Connection c = context.getConnection();
        try {
            if (!c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres")) return;
            try (Statement s = c.createStatement()) {
                s.execute("""
                        DO $$ BEGIN
                          IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                                         WHERE t.typname = 'clob' AND n.nspname = current_schema()) THEN
                            CREATE DOMAIN clob AS text;
                          END IF;
                          IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                                         WHERE t.typname = 'blob' AND n.nspname = current_schema()) THEN
                            CREATE DOMAIN blob AS bytea;
                          END IF;
                        END $$""");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the PostgreSQL schema for the migrations (CLOB and BLOB domains): " + e.getMessage(), e);
        }
    }

    @Override
    public String getCallbackName() {
        return "nograd-portable-schema";
    }
}

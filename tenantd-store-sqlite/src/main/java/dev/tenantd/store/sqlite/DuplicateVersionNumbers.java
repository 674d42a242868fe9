package dev.tenantd.store.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a script's version numbers unique just before migration 5 of {@code tenantd.db} makes
 * them so by index. Two uploads of one script that both read the latest number could store the
 * same next number before that migration; such a database would otherwise fail it and never
 * start again. Of versions that share a number the oldest keeps it; the others, oldest first,
 * get the numbers after the script's highest. Version ids, deployments and everything else that
 * names a version are left as they are.
 */
final class DuplicateVersionNumbers implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(DuplicateVersionNumbers.class);
    private static final MigrationVersion UNIQUE_NUMBERS = MigrationVersion.fromVersion("5");

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE && context.getMigrationInfo() != null
                && UNIQUE_NUMBERS.equals(context.getMigrationInfo().getVersion());
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        try {
            int renumbered = renumber(context.getConnection());
            if (renumbered > 0) {
                LOG.warn("{} script versions shared a version number with an older version of their script; each got "
                        + "the next free number of its script", renumbered);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not make script version numbers unique: " + e.getMessage(), e);
        }
    }

    @Override
    public String getCallbackName() {
        return "duplicate-version-numbers";
    }

    /** Gives every version that shares its script's number with an older one a new number; how many did. */
    static int renumber(Connection connection) throws SQLException {
        Map<String, Integer> highest = new HashMap<>();
        List<String[]> later = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT v.id, v.script_id,
                       (SELECT MAX(number) FROM script_versions m WHERE m.script_id = v.script_id)
                FROM script_versions v
                WHERE EXISTS (SELECT 1 FROM script_versions o WHERE o.script_id = v.script_id AND o.number = v.number
                              AND (o.created_on < v.created_on OR (o.created_on = v.created_on AND o.rowid < v.rowid)))
                ORDER BY v.script_id, v.created_on, v.rowid""");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                later.add(new String[] {rows.getString(1), rows.getString(2)});
                highest.putIfAbsent(rows.getString(2), rows.getInt(3));
            }
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE script_versions SET number = ? WHERE id = ?")) {
            for (String[] version : later) {
                int next = highest.merge(version[1], 1, Integer::sum);
                update.setInt(1, next);
                update.setString(2, version[0]);
                update.executeUpdate();
            }
        }
        return later.size();
    }
}

package dev.tenantd.platform.d1;

import dev.tenantd.runtime.TenantdException;
import java.util.Objects;

/**
 * A D1 call that failed. The message is the text after {@code D1_ERROR: } (or the kind's
 * own prefix), in D1's form {@code <what happened>: <SQLite code>} for SQL errors.
 */
public final class D1Exception extends TenantdException {
    private final Kind kind;

    public D1Exception(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public Kind kind() {
        return kind;
    }

    /** The message as the worker sees it: the prefix, a colon and the message. */
    public String workerMessage() {
        return kind.prefix + ": " + getMessage();
    }

    public enum Kind {
        /** SQLite refused or failed the SQL (syntax, constraint, no such table, not authorized ...). */
        SQL("D1_ERROR"),
        /** A parameter of a type D1 does not bind. */
        TYPE("D1_TYPE_ERROR"),
        /** A query ran past its time limit and was rolled back. */
        TIME_LIMIT("D1_ERROR"),
        /** The account has no such database (or it was deleted meanwhile). */
        NOT_FOUND("D1_ERROR"),
        /** A database name that is taken in the account. */
        NAME_TAKEN("D1_ERROR"),
        /** The account has as many databases as the operator allows. */
        TOO_MANY("D1_ERROR"),
        /** A request D1 cannot take as it is: a bad name, too much SQL, a result too large. */
        INVALID("D1_ERROR"),
        /** Too many queries are waiting for one database. */
        OVERLOADED("D1_ERROR"),
        /** An exec() statement failed; the message names its line. */
        EXEC("D1_EXEC_ERROR");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }
}

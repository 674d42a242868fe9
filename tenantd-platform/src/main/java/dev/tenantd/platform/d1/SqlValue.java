package dev.tenantd.platform.d1;

import java.util.Arrays;
import java.util.Objects;

/** One SQLite value, as a parameter or a result cell: SQLite's five storage classes. */
public sealed interface SqlValue {

    record Null() implements SqlValue {
    }

    record Integer(long value) implements SqlValue {
    }

    record Real(double value) implements SqlValue {
    }

    record Text(String value) implements SqlValue {
        public Text {
            Objects.requireNonNull(value, "value");
        }
    }

    /** Bytes; the array is the record's own and never handed out to be changed. */
    record Blob(byte[] value) implements SqlValue {
        public Blob {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        public int length() {
            return value.length;
        }

        /** The bytes themselves, not a copy: for writers in this package, which neither keep nor change them. */
        byte[] shared() {
            return value;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Blob b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Blob[" + value.length + " bytes]";
        }
    }

    SqlValue NULL = new Null();

    static SqlValue integer(long value) {
        return new Integer(value);
    }

    static SqlValue real(double value) {
        return new Real(value);
    }

    static SqlValue text(String value) {
        return new Text(value);
    }

    static SqlValue blob(byte[] value) {
        return new Blob(value);
    }
}

package dev.tenantd.runtime.crypto;

/**
 * A spec error raised inside an operation: the DOMException name and a message written
 * here, so that no JCA exception text (which may describe the key) reaches a worker.
 */
final class CryptoFailure extends Exception {
    final String errorName;

    CryptoFailure(String errorName, String message) {
        super(message, null, false, false);
        this.errorName = errorName;
    }

    static CryptoFailure data(String message) {
        return new CryptoFailure("DataError", message);
    }

    static CryptoFailure operation(String message) {
        return new CryptoFailure("OperationError", message);
    }

    static CryptoFailure notSupported(String message) {
        return new CryptoFailure("NotSupportedError", message);
    }
}

package dev.tenantd.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where V8's ICU finds its data, and the defaults it reads from the process environment.
 *
 * <p>Makes the default time zone and locale that V8's ICU reads UTC and en-US, as on Workers,
 * whatever the machine's settings: without it a worker's {@code Date} and {@code Intl} would show
 * the host's time zone (and so where it runs) and its language.
 *
 * <p>ICU reads both from the process environment the first time an isolate needs them: the time
 * zone from {@code TZ}, the locale from the {@code LC_MESSAGES} category and then from
 * {@code LC_ALL}, {@code LC_MESSAGES} and {@code LANG}; with {@code TZ=UTC}, the category at "C" and
 * those variables unset, it settles on UTC and en_US_POSIX, which V8 reports as en-US. Java has no
 * API to change its own environment, so this calls the C library through the foreign function
 * API. The build targets Java 21, where that API is a preview, hence the reflection; on 21 this
 * does nothing but log how to start the JVM instead. It also changes what other native code in the
 * process sees (SQLite's 'localtime' is UTC too, as on D1).
 */
final class IcuDefaults {
    private static final Logger LOG = LoggerFactory.getLogger(IcuDefaults.class);

    /** glibc's number for the LC_MESSAGES category (V8 runs on Linux x86_64 only). */
    private static final int LC_MESSAGES = 5;

    private IcuDefaults() {
    }

    /** Sets them; called once, before V8 is loaded. */
    static void apply() {
        try {
            Libc libc = Libc.load();
            libc.call("setenv", "TZ", "UTC", 1);
            for (String name : new String[] {"LC_ALL", "LC_MESSAGES", "LANG"}) {
                libc.call("unsetenv", name);
            }
            libc.call("setlocale", LC_MESSAGES, "C");
        } catch (Throwable e) {
            LOG.warn("cannot set the time zone and locale isolates see to UTC and en-US ({}); workers see the"
                    + " host's unless the JVM runs on Java 22 or later, or is started with TZ=UTC and LC_ALL=C.UTF-8", e.toString());
        }
    }

    /**
     * Points ICU at the directory of {@code dataFile} (its {@code ICU_DATA} variable), where it
     * finds the file by name and maps it into memory when V8 first needs it. Answers false when
     * the variable cannot be set (Java 21); then V8 must be given the file, which it copies.
     */
    static boolean mapData(java.nio.file.Path dataFile) {
        try {
            Libc.load().call("setenv", "ICU_DATA", dataFile.toAbsolutePath().getParent().toString(), 1);
            return true;
        } catch (Throwable e) {
            LOG.debug("ICU_DATA not set ({}); V8 reads the ICU data into memory", e.toString());
            return false;
        }
    }
}

package dev.tenantd.runtime;

import com.caoccao.javet.exceptions.JavetException;
import com.caoccao.javet.interop.V8Runtime;
import com.caoccao.javet.values.V8Value;
import com.caoccao.javet.values.primitive.V8ValueString;
import com.ibm.icu.text.IDNA;
import com.ibm.icu.util.ICUInputTooLongException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The host call behind the URL Standard's "domain to ASCII" ({@code url.js}): UTS #46 ToASCII
 * by ICU4J with the URL Standard's parameters (CheckHyphens false, CheckBidi true, CheckJoiners
 * true, UseSTD3ASCIIRules false, nontransitional, VerifyDnsLength false). The runtime asks only
 * for hosts that are not plain ASCII or that have an {@code xn--} label; the rest are lowercased
 * in JavaScript.
 *
 * <ul>
 *   <li>{@code idnaToAscii(domain)} → the ASCII domain, or null when it is not a valid domain</li>
 * </ul>
 *
 * <p>The call runs on the isolate's thread, so its CPU time is the worker's; but Java cannot be
 * interrupted midway, and ICU's work grows faster than the input for hosts of many labels. So a
 * domain longer than {@link #MAX_DOMAIN_LENGTH} fails, as it does in Chromium, which keeps any one
 * call well under a millisecond.
 */
final class IdnaHostCalls {
    /** Chromium's bound for a host that needs IDNA: five times the 253 octets of a DNS name, in UTF-16 units. */
    static final int MAX_DOMAIN_LENGTH = 253 * 5;

    private static final IDNA UTS46 = IDNA.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_ASCII
            | IDNA.NONTRANSITIONAL_TO_UNICODE | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ);

    /**
     * What ICU reports but the URL Standard does not check: hyphen placement (CheckHyphens false)
     * and label and name lengths (VerifyDnsLength false).
     */
    private static final Set<IDNA.Error> NOT_CHECKED = EnumSet.of(IDNA.Error.LEADING_HYPHEN,
            IDNA.Error.TRAILING_HYPHEN, IDNA.Error.HYPHEN_3_4, IDNA.Error.EMPTY_LABEL,
            IDNA.Error.LABEL_TOO_LONG, IDNA.Error.DOMAIN_NAME_TOO_LONG);

    private IdnaHostCalls() {
    }

    /** Adds the {@code idnaToAscii} host call. */
    static void bind(Map<HostCall, IsolateShell.HostFunction> target, V8Runtime runtime) {
        target.put(HostCall.IDNA_TO_ASCII, args -> toAscii(runtime, args));
    }

    private static V8Value toAscii(V8Runtime runtime, V8Value[] args) throws JavetException {
        if (args.length == 0 || !(args[0] instanceof V8ValueString domain)) {
            return runtime.createV8ValueNull();
        }
        Optional<String> ascii = toAscii(domain.getValue());
        return ascii.isPresent() ? runtime.createV8ValueString(ascii.get()) : runtime.createV8ValueNull();
    }

    /**
     * UTS #46 ToASCII of {@code domain} as the URL Standard runs it, or empty when UTS #46 finds an
     * error the standard checks for (or the domain is longer than {@link #MAX_DOMAIN_LENGTH}).
     */
    static Optional<String> toAscii(String domain) {
        if (domain.length() > MAX_DOMAIN_LENGTH) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(domain.length() + 16);
        IDNA.Info info = new IDNA.Info();
        try {
            UTS46.nameToASCII(domain, out, info);
        } catch (ICUInputTooLongException e) {
            // ICU refuses to Punycode-encode a label of more than 1000 units (the encoding is
            // quadratic); such a label is no valid domain either.
            return Optional.empty();
        }
        Set<IDNA.Error> errors = info.getErrors();
        if (!errors.isEmpty()) {
            EnumSet<IDNA.Error> checked = EnumSet.copyOf(errors);
            checked.removeAll(NOT_CHECKED);
            if (!checked.isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.of(out.toString());
    }
}

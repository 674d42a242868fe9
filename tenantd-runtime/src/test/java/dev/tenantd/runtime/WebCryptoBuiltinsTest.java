package dev.tenantd.runtime;

import static dev.tenantd.runtime.Engines.get;
import static dev.tenantd.runtime.Engines.load;
import static dev.tenantd.runtime.Engines.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Web Crypto works the same for a worker that broke its own built-ins first. */
class WebCryptoBuiltinsTest {
    @Test
    void a_worker_that_broke_its_built_ins_still_signs_encrypts_and_moves_keys() throws Exception {
        Worker w = load(Engines.module(PatchedBuiltinsTest.BREAK_EVERYTHING + """
                const subtle = crypto.subtle;
                const keyBytes = new TextEncoder().encode('key');
                const data = new TextEncoder().encode('the message');
                const HEX = '0123456789abcdef';
                const U8 = Uint8Array;
                function hex(buffer, length) {
                  const bytes = new U8(buffer);
                  let out = '';
                  for (let i = 0; i < length; i++) out += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
                  return out;
                }
                breakAll();
                export default { async fetch() {
                  const hmac = await subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
                  const mac = await subtle.sign('HMAC', hmac, data);
                  const macOk = await subtle.verify('HMAC', hmac, mac, data);
                  const aes = await subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt', 'decrypt']);
                  const iv = crypto.getRandomValues(new U8(12));
                  const sealed = await subtle.encrypt({ name: 'AES-GCM', iv, additionalData: keyBytes }, aes, data);
                  const opened = await subtle.decrypt({ name: 'AES-GCM', iv, additionalData: keyBytes }, aes, sealed);
                  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
                  const signature = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, data);
                  const jwk = await subtle.exportKey('jwk', pair.publicKey);
                  const imported = await subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
                  const ecOk = await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, imported, signature, data);
                  const kek = await subtle.generateKey({ name: 'AES-KW', length: 256 }, false, ['wrapKey', 'unwrapKey']);
                  const wrapped = await subtle.wrapKey('raw', aes, kek, 'AES-KW');
                  const unwrapped = await subtle.unwrapKey('raw', wrapped, kek, 'AES-KW', 'AES-GCM', false, ['decrypt']);
                  const again = await subtle.decrypt({ name: 'AES-GCM', iv, additionalData: keyBytes }, unwrapped, sealed);
                  const wrapper = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['wrapKey', 'unwrapKey']);
                  const sealedKey = await subtle.wrapKey('jwk', pair.privateKey, wrapper, { name: 'AES-GCM', iv });
                  const signer = await subtle.unwrapKey('jwk', sealedKey, wrapper, { name: 'AES-GCM', iv },
                    { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
                  const signed = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, signer, data);
                  const unwrappedOk = await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, imported, signed, data);
                  let failed = 'none';
                  try {
                    await subtle.importKey('raw', new U8(5), 'AES-GCM', false, ['encrypt']);
                  } catch (e) {
                    failed = e.name;
                  }
                  return new Res(`${hex(mac, 32)} ${macOk} ${hex(opened, 11)} ${ecOk && unwrappedOk} ${jwk.kty}/${jwk.crv} ${hex(again, 11)} ${failed}`);
                } };"""));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("key".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expectedMac = HexFormat.of().formatHex(mac.doFinal("the message".getBytes(StandardCharsets.UTF_8)));
        String message = HexFormat.of().formatHex("the message".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 2; i++) {
            WorkerResponse r = get(w.fetch(new WorkerRequest("GET", "http://x/", List.of(), null)));
            assertThat(text(r)).isEqualTo(expectedMac + " true " + message + " true EC/P-256 " + message + " DataError");
        }
    }
}

// jose: JWTs signed and verified with HS256, RS256, ES256 and EdDSA, and a local JWKS.
// The keys and the tokens Node's jose made with them are in fixtures/jose.json.
import * as jose from 'jose';
import fx from '../../fixtures/jose.json';

const ALGS = ['HS256', 'RS256', 'ES256', 'EdDSA'];
const json = (value, status = 200) => Response.json(value, { status });

function signingKey(alg) {
  return alg === 'HS256' ? new TextEncoder().encode(fx.hsSecret) : jose.importJWK(fx.keys[alg].private, alg);
}
function verifyingKey(alg) {
  return alg === 'HS256' ? new TextEncoder().encode(fx.hsSecret) : jose.importJWK(fx.keys[alg].public, alg);
}
function header(alg) {
  return alg === 'HS256' ? { alg, typ: 'JWT' } : { alg, kid: fx.keys[alg].private.kid, typ: 'JWT' };
}
async function verify(token, key) {
  try {
    const { payload, protectedHeader } = await jose.jwtVerify(token, key, { issuer: 'tenantd-packages' });
    return { payload, protectedHeader };
  } catch (e) {
    return { error: e.code ?? e.name };
  }
}
// Another payload under the same header and signature: a valid JWT shape whose signature does not match.
function tampered(token) {
  const [h, , s] = token.split('.');
  const body = jose.base64url.encode(JSON.stringify({ ...fx.claims, role: 'root' }));
  return `${h}.${body}.${s}`;
}

export default {
  async fetch(request) {
    const [, action, alg] = new URL(request.url).pathname.split('/');
    if (action === 'jwks') {
      const jwks = jose.createLocalJWKSet({ keys: ['RS256', 'ES256', 'EdDSA'].map((a) => fx.keys[a].public) });
      const results = {};
      for (const a of ['RS256', 'ES256', 'EdDSA']) {
        const r = await verify(fx.tokens[a], jwks);
        results[a] = r.error ?? `${r.protectedHeader.kid}:${r.payload.sub}`;
      }
      const stranger = await new jose.SignJWT(fx.claims).setProtectedHeader({ alg: 'ES256', kid: 'unknown-1' })
        .sign(await signingKey('ES256'));
      results.unknownKid = (await verify(stranger, jwks)).error;
      return json(results);
    }
    if (!ALGS.includes(alg)) return json({ error: `unknown algorithm ${alg}` }, 404);
    if (action === 'sign') {
      const token = await new jose.SignJWT(fx.claims).setProtectedHeader(header(alg)).sign(await signingKey(alg));
      // ECDSA signatures are randomised: the token cannot be compared, so it is checked by verifying it.
      if (alg === 'ES256') return json({ parts: token.split('.').length, ...(await verify(token, await verifyingKey(alg))) });
      return new Response(token);
    }
    if (action === 'verify') return json(await verify(fx.tokens[alg], await verifyingKey(alg)));
    if (action === 'tampered') return json(await verify(tampered(fx.tokens[alg]), await verifyingKey(alg)));
    return json({ error: `unknown action ${action}` }, 404);
  },
};

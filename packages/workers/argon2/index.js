// argon2-wasm-edge: Argon2id password hashing in WebAssembly, its two modules uploaded with the
// worker (wrangler bundles each .wasm import as a compiled module). /hash hashes with a fixed
// salt, so the encoded hash can be compared with the reference implementation's; /verify checks
// a password against that hash; /rehash verifies a password against its stored hash and hashes it
// again with a larger memory cost, in one request (as a login that upgrades old hashes does).
import { argon2id, argon2Verify, setWASMModules } from 'argon2-wasm-edge';
import argon2WASM from 'argon2-wasm-edge/wasm/argon2.wasm';
import blake2bWASM from 'argon2-wasm-edge/wasm/blake2b.wasm';

setWASMModules({ argon2WASM, blake2bWASM });

const SALT = new TextEncoder().encode('tenantd-salt-16b');

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const password = url.searchParams.get('password') ?? '';
    if (url.pathname === '/hash') {
      const hash = await argon2id({ password, salt: SALT, parallelism: 1, iterations: 3, memorySize: 1024,
        hashLength: 32, outputType: 'encoded' });
      return new Response(hash);
    }
    if (url.pathname === '/verify') {
      const valid = await argon2Verify({ password, hash: url.searchParams.get('hash') ?? '' });
      return Response.json({ valid, modules: [argon2WASM, blake2bWASM].map((m) => m instanceof WebAssembly.Module) });
    }
    if (url.pathname === '/rehash') {
      const valid = await argon2Verify({ password, hash: url.searchParams.get('hash') ?? '' });
      const upgraded = valid ? await argon2id({ password, salt: SALT, parallelism: 1, iterations: 2, memorySize: 2048,
        hashLength: 32, outputType: 'encoded' }) : null;
      return Response.json({ valid, upgraded });
    }
    return new Response('GET /hash?password=, /verify?password=&hash= or /rehash?password=&hash=', { status: 404 });
  },
};

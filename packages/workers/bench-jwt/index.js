// Throughput: verifies the HS256 bearer token of each request with jose.
import { jwtVerify } from 'jose';
import fx from '../../fixtures/jose.json';

const secret = new TextEncoder().encode(fx.hsSecret);

export default {
  async fetch(request) {
    const token = (request.headers.get('authorization') ?? '').replace(/^Bearer /, '');
    try {
      const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });
      return new Response(`hello ${payload.sub}`);
    } catch (e) {
      return new Response(e.code ?? 'invalid', { status: 401 });
    }
  },
};

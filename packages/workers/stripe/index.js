// stripe: the webhook signature check with Web Crypto (constructEventAsync + SubtleCryptoProvider).
import Stripe from 'stripe';

const cryptoProvider = Stripe.createSubtleCryptoProvider();

export default {
  async fetch(request, env) {
    const stripe = new Stripe(env.STRIPE_KEY, { httpClient: Stripe.createFetchHttpClient() });
    const payload = await request.text();
    try {
      const event = await stripe.webhooks.constructEventAsync(payload, request.headers.get('stripe-signature'),
        env.WEBHOOK_SECRET, undefined, cryptoProvider);
      return Response.json({ id: event.id, type: event.type, amount: event.data.object.amount });
    } catch (e) {
      return Response.json({ error: e.type ?? e.name, message: e.message }, { status: 400 });
    }
  },
};

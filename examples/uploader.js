// Upload-form worker: GET shows a form, POST {customerID, script} publishes the
// customer's script into the "customers" namespace through the Cloudflare API
// host, which tenantd answers itself. Set ACCOUNT_ID and API_TOKEN as bindings.
const form = `<!doctype html>
<title>Publish a customer worker</title>
<h1>Publish a customer worker</h1>
<form id="f"><p><input name="customerID" placeholder="customer id"></p>
<p><textarea name="script" rows="12" cols="70">addEventListener('fetch', (event) => {
  event.respondWith(new Response('Hello from my own worker!'));
});</textarea></p><button>Publish</button></form>
<pre id="out"></pre>
<script>
document.getElementById('f').onsubmit = async (e) => {
  e.preventDefault();
  const data = Object.fromEntries(new FormData(e.target));
  const r = await fetch('/', { method: 'POST', body: JSON.stringify(data) });
  document.getElementById('out').textContent = r.ok ? 'Published.' : await r.text();
};
</script>`;

export default {
  async fetch(request, env) {
    try {
      if (request.method === 'POST') {
        const { customerID, script } = await request.json();
        await publish(env, customerID, script);
      }
      return new Response(form, { headers: { 'Content-Type': 'text/html' } });
    } catch (e) {
      return new Response(e.message, { status: 500 });
    }
  },
};

async function publish(env, customerID, script) {
  const url = `https://api.cloudflare.com/client/v4/accounts/${env.ACCOUNT_ID}/workers/dispatch/namespaces/customers/scripts/${customerID}`;
  const response = await fetch(url, {
    method: 'PUT',
    body: script,
    headers: { 'Content-Type': 'application/javascript', 'Authorization': `Bearer ${env.API_TOKEN}` },
  });
  const result = await response.json();
  if (response.status !== 200) {
    throw new Error(`Upload failed: ${result.errors.map((e) => e.message).join('; ')}`);
  }
}

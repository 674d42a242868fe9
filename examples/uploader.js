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

// A customer ID becomes a script name inside the API URL, so it must be exactly a
// script name (the platform's rule: 1 to 63 lowercase letters, digits, '-' or '_').
// Anything else could change which endpoint the request reaches: URL parsing
// resolves '..' segments, so "../../../../scripts/dispatcher" would replace the
// platform's own dispatch worker instead of a customer's script, and '/', '?', '#'
// or '%' would alter the path or the query.
const SCRIPT_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

function isScriptName(value) {
  return typeof value === 'string' && SCRIPT_NAME.test(value);
}

export default {
  async fetch(request, env) {
    try {
      if (request.method === 'POST') {
        const { customerID, script } = await request.json();
        if (!isScriptName(customerID)) {
          return new Response('customerID must be 1 to 63 lowercase letters, digits, "-" or "_", '
            + 'starting with a letter or digit.\n', { status: 400 });
        }
        await publish(env, customerID, script);
      }
      return new Response(form, { headers: { 'Content-Type': 'text/html' } });
    } catch (e) {
      return new Response(e.message, { status: 500 });
    }
  },
};

async function publish(env, customerID, script) {
  const url = `https://api.cloudflare.com/client/v4/accounts/${env.ACCOUNT_ID}/workers/dispatch/namespaces/customers/scripts/${encodeURIComponent(customerID)}`;
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

// The dashboard's only way to the server: the public /client/v4 API with the signed-in token.
// The token lives in sessionStorage, so it goes when the tab closes.

const SESSION = 'tenantd.dashboard.session';

/** The token was refused (wrong, expired or without access): the user must sign in again. */
export class AuthError extends Error {}

/** Any other refusal, with the API's own message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION) ?? 'null');
    return s && typeof s.token === 'string' && typeof s.account === 'string' ? s : null;
  } catch {
    return null;
  }
}

export function signOut() {
  sessionStorage.removeItem(SESSION);
}

/** Checks a token the way wrangler does (verify, then the accounts it reaches) and keeps it. */
export async function signIn(token) {
  const verified = await call('/user/tokens/verify', { token });
  if (verified.result?.status !== 'active') {
    throw new AuthError(`The token is ${verified.result?.status ?? 'not active'}.`);
  }
  const accounts = (await call('/accounts', { token })).result ?? [];
  if (accounts.length === 0) {
    throw new AuthError('The token reaches no account.');
  }
  const s = { token, account: accounts[0].id, accountName: accounts[0].name ?? accounts[0].id };
  sessionStorage.setItem(SESSION, JSON.stringify(s));
  return s;
}

/** A path under the signed-in account; each argument is one encoded path segment. */
export function accountPath(...segments) {
  const s = session();
  if (!s) throw new AuthError('Sign in with an API token.');
  return ['/accounts', s.account, ...segments].map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/');
}

/** Calls the API and returns its envelope; refusals become AuthError or ApiError. */
export async function call(path, { method = 'GET', body, headers = {}, token, keepalive = false } = {}) {
  const response = await send(path, { method, body, headers, token, keepalive });
  return envelope(response);
}

/**
 * Runs a GraphQL Analytics query and returns its data. GraphQL answers 200 with an errors list;
 * a refused token still gets the v4 envelope.
 */
export async function graphql(query, variables) {
  const response = await send('/graphql', { method: 'POST', body: JSON.stringify({ query, variables }),
    headers: { 'Content-Type': 'application/json' } });
  if (!response.ok) await envelope(response);
  const parsed = await response.json();
  const errors = parsed.errors ?? [];
  if (errors.length > 0) throw new ApiError(response.status, errors.map((e) => e.message).join('; '));
  return parsed.data;
}

/** Calls the API and returns the raw response (for script content, which is multipart). */
export async function raw(path) {
  const response = await send(path, {});
  if (!response.ok) await envelope(response);
  return response;
}

async function send(path, { method = 'GET', body, headers = {}, token, keepalive = false }) {
  const bearer = token ?? session()?.token;
  if (!bearer) throw new AuthError('Sign in with an API token.');
  return fetch('/client/v4' + path, {
    method,
    body,
    headers: { ...headers, Authorization: `Bearer ${bearer}` },
    cache: 'no-store',
    credentials: 'omit',
    keepalive,
  });
}

async function envelope(response) {
  let parsed = null;
  try {
    parsed = await response.json();
  } catch {
    // not an envelope: reported below by status
  }
  const message = (parsed?.errors ?? []).map((e) => `${e.message} (code ${e.code})`).join('; ')
    || `The server answered ${response.status}.`;
  if (response.status === 401 || response.status === 403) throw new AuthError(message);
  if (!response.ok || !parsed?.success) throw new ApiError(response.status, message);
  return parsed;
}

// The dashboard's only way to the server: GET requests to the public query API of the same origin,
// with the key as a bearer token. The key lives in this tab's sessionStorage only: never in
// localStorage (it would outlive the tab) and never in a URL (URLs end up in histories and logs).

const KEY = 'shiftlens.key';

export function loadKey() {
  return sessionStorage.getItem(KEY);
}

export function saveKey(key) {
  sessionStorage.setItem(KEY, key);
}

export function clearKey() {
  sessionStorage.removeItem(KEY);
}

/** The server refused the key (401) or its scopes (403): the user has to enter another. */
export class AuthError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** No answer at all: the server is down, or the network between. */
export class UnreachableError extends Error {}

/** An answer that is an error other than authentication, with the problem's detail. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** Reads the problem+json detail of an error answer, or says what the status was. */
async function problem(response) {
  try {
    const body = await response.json();
    return body.detail || body.title || 'HTTP ' + response.status;
  } catch {
    return 'HTTP ' + response.status;
  }
}

export function authHeaders(key) {
  return { Authorization: 'Bearer ' + key, Accept: 'application/json' };
}

/** GET path (with its query) as JSON; throws AuthError, UnreachableError or ApiError. A 404 is null. */
export async function get(path, key = loadKey()) {
  let response;
  try {
    response = await fetch(path, { headers: authHeaders(key), cache: 'no-store' });
  } catch (e) {
    throw new UnreachableError('the server does not answer: ' + e.message);
  }
  if (response.status === 401 || response.status === 403) throw new AuthError(response.status, await problem(response));
  if (response.status === 404) return null;
  if (!response.ok) throw new ApiError(response.status, await problem(response));
  return response.json();
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

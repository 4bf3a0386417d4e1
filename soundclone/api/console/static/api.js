// The service's public HTTP API, as the console calls it: the key from session storage as a Bearer token, and
// every dialect's error shape turned into one readable message. No rule of the service lives here.

const KEY = "soundclone.key";

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  set key(value) { value ? sessionStorage.setItem(KEY, value) : sessionStorage.removeItem(KEY); },
};

export class ApiError extends Error {
  constructor(message, status, param) {
    super(message);
    this.status = status;
    this.param = param;
  }
}

// The message a person can act on, from an OpenAI-shaped, MiniMax-shaped or SoundClone-shaped error body.
export function errorMessage(body, status) {
  if (body?.error?.message) {
    const param = body.error.param ? ` (${body.error.param})` : "";
    return body.error.message + param;
  }
  if (body?.base_resp && body.base_resp.status_code !== 0) return body.base_resp.status_msg;
  if (body?.msg && body.code !== 20000) return body.msg;
  return `the service answered HTTP ${status}`;
}

function headers(extra = {}) {
  const result = { ...extra };
  if (session.key) result.Authorization = `Bearer ${session.key}`;
  return result;
}

async function parse(response) {
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!response.ok || body?.error || (body?.base_resp && body.base_resp.status_code !== 0)) {
    if (response.status === 401) window.dispatchEvent(new CustomEvent("soundclone:unauthorized"));
    throw new ApiError(errorMessage(body, response.status), response.status, body?.error?.param);
  }
  return body;
}

export async function get(path) {
  return parse(await fetch(path, { headers: headers() }));
}

export async function post(path, json, { signal } = {}) {
  return parse(await fetch(path, {
    method: "POST", headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(json), signal,
  }));
}

export async function postForm(path, form) {
  return parse(await fetch(path, { method: "POST", headers: headers(), body: form }));
}

export async function del(path) {
  return parse(await fetch(path, { method: "DELETE", headers: headers() }));
}

// A streamed POST answered with server-sent events: calls onEvent(payload) for each `data:` line's JSON.
export async function postEvents(path, json, onEvent, { signal } = {}) {
  const response = await fetch(path, {
    method: "POST", headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(json), signal,
  });
  const type = response.headers.get("content-type") || "";
  if (!response.ok || !type.startsWith("text/event-stream")) return parse(response);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).join("");
      if (data) await onEvent(JSON.parse(data));
    }
  }
  return null;
}

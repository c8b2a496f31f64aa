// autosend-sdk/webhook: webhook verification with the core's webhook module alone (a small
// wasm, bindings-wasm/webhook), for apps that import nothing else from the SDK.
//
// No rule here: the verdicts, the defaults and the error JSON come from the core (the same
// `autosend::webhook::verify` the main entry's verifyWebhook runs). This file only converts
// arguments; the error classes are the main entry's own (its entry point hands over
// `errorFromJson`), so `err instanceof WebhookVerificationError` holds whichever entry the
// class was imported from. The CommonJS twin is made by js/to-cjs.mjs; the errors reported
// without asking the core come from the build's generated table (js/gen-boundary-errors.mjs).
import { BOUNDARY_ERRORS } from './boundary-errors.mjs';

let wasmExports = null;
let wasmLoader = null;
let fromJson = null;

/** @internal Called by the runtime entry point: the wasm loader and the SDK's errorFromJson. */
export function _setWebhookWasm(loader, errorFromJson) {
  wasmLoader = loader;
  fromJson = errorFromJson;
}

function wasm() {
  if (wasmExports === null) {
    if (wasmLoader === null) {
      throw new Error('autosend-sdk/webhook: the WebAssembly module is not loaded (import the package through its entry point)');
    }
    wasmExports = wasmLoader();
  }
  return wasmExports;
}

// Errors thrown by the wasm functions are the core's error JSON as a string; a trap of the
// instance is the core's `panic` kind (BOUNDARY_ERRORS.trap).
// After a trap no further call goes into the stopped instance (see sdk.mjs).
let trapped = false;

function core(fn) {
  if (trapped) throw fromJson(BOUNDARY_ERRORS.trap);
  try {
    return fn();
  } catch (e) {
    if (typeof e === 'string') {
      let info;
      try {
        info = JSON.parse(e);
      } catch {
        info = BOUNDARY_ERRORS.unreadable;
      }
      throw fromJson(info);
    }
    if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) {
      trapped = true;
      throw fromJson(BOUNDARY_ERRORS.trap);
    }
    throw e;
  }
}

function own(o, name) {
  return o !== null && (typeof o === 'object' || typeof o === 'function') && Object.hasOwn(o, name) ? o[name] : undefined;
}

function toBytes(body) {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('rawBody must be a string, Uint8Array or ArrayBuffer (the raw request body)');
}

// Headers (fetch `Headers`, a plain object, Node's IncomingHttpHeaders, or [[name, value]])
// as a flat [name, value, name, value, …] list of strings.
function headerList(headers) {
  const out = [];
  if (!headers) return out;
  if (typeof headers.forEach === 'function' && typeof headers.get === 'function') {
    headers.forEach((v, k) => out.push(k, String(v)));
    return out;
  }
  const entries = Array.isArray(headers) ? headers : Object.entries(headers);
  for (const [k, v] of entries) {
    if (Array.isArray(v)) for (const x of v) out.push(String(k), String(x));
    else if (v !== undefined && v !== null) out.push(String(k), String(v));
  }
  return out;
}

const millis = (t) => (t instanceof Date ? t.getTime() : t);

/**
 * Verifies a webhook delivery (HMAC-SHA256 over the raw body, timestamp window) and returns
 * the event `{type, createdAt, deliveryId, data}`; throws a WebhookVerificationError.
 */
export function verifyWebhook(rawBody, headers, secret, options = {}) {
  const w = wasm();
  const bytes = toBytes(rawBody);
  const now = millis(own(options, 'now')) ?? Date.now();
  const past = own(options, 'tolerancePastMs') ?? -1;
  const future = own(options, 'toleranceFutureMs') ?? -1;
  return JSON.parse(core(() => w.verifyWebhook(bytes, headerList(headers), String(secret ?? ''), now, past, future)));
}

/** The de-duplication key of a raw webhook body: `sha256:<hex>` (the same in every language). */
export function webhookReplayKey(rawBody) {
  return wasm().webhookReplayKey(toBytes(rawBody));
}

/**
 * Refuses a webhook body already accepted within `ttlMs` (the core's replay guard; see the
 * main entry's WebhookReplayGuard, which this mirrors).
 */
export class WebhookReplayGuard {
  #guard;
  #store;
  #ttlMs;
  constructor(options = {}) {
    const w = wasm();
    const [ttlMs] = w.replayDefaults();
    this.#ttlMs = own(options, 'ttlMs') ?? ttlMs;
    this.#store = own(options, 'store') ?? null;
    this.#guard = core(() => new w.WasmReplayGuard(this.#ttlMs, own(options, 'capacity') ?? -1));
  }
  firstSeen(rawBody, options = {}) {
    const bytes = toBytes(rawBody);
    if (this.#store) return this.#store.insertIfAbsent(wasm().webhookReplayKey(bytes), this.#ttlMs);
    return this.#guard.firstSeen(bytes, millis(own(options, 'now')) ?? Date.now());
  }
  get size() {
    return this.#guard.size();
  }
}

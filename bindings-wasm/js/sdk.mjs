// autosend-sdk: the JavaScript face of the autosend core (WebAssembly).
//
// This file converts types and runs the loop; it holds no API rule. The core (Rust, compiled
// to wasm) decides every header, validation, retry, wait and error. Per runtime, an entry
// point (node.cjs / deno.mjs / bun.mjs / workerd.mjs) tells this module how to load the wasm.
//
// Nothing here touches `process`, `fs` or `Buffer` when the module is imported. `process.env`
// is read only inside the AutoSend constructor, only where `process` exists, and only for the
// variable names the core lists (envVarNames()).

import { BOUNDARY_ERRORS } from './boundary-errors.mjs';

let wasmExports = null;
let wasmLoader = null;

/** @internal Called by the runtime entry point with a function that returns the bindings. */
export function _setWasmLoader(loader) {
  wasmLoader = loader;
}

function wasm() {
  if (wasmExports === null) {
    if (wasmLoader === null) {
      throw errorFromJson(BOUNDARY_ERRORS.notLoaded);
    }
    wasmExports = wasmLoader();
  }
  return wasmExports;
}

// ---------------------------------------------------------------------------------------
// Errors: one class per error kind, grouped by family. The numbers come from the core.

export class AutoSendError extends Error {
  constructor(info = {}) {
    super(info.display || info.message || 'autosend error');
    // The class's public name, from ERROR_CLASSES (survives minification), for a subclass of
    // the caller's its own name.
    this.name = Object.hasOwn(new.target.prototype, 'name') ? new.target.prototype.name : new.target.name;
    /** Stable numeric code (docs/contract.md). */
    this.code = info.code ?? BOUNDARY_ERRORS.unreadable.code;
    /** Stable snake_case kind (`rate_limited`, …). */
    this.kind = info.kind ?? BOUNDARY_ERRORS.unreadable.kind;
    this.category = info.category ?? BOUNDARY_ERRORS.unreadable.category;
    /** What to do next. */
    this.hint = info.hint ?? '';
    this.status = info.status ?? undefined;
    this.apiCode = info.api_code ?? undefined;
    this.requestId = info.request_id ?? undefined;
    /** Milliseconds the server asked to wait (rate limits). */
    this.retryAfter = info.retry_after_ms ?? undefined;
    /** True when a non-idempotent request may have been acted on although it failed. */
    this.mayHaveBeenDelivered = Boolean(info.may_have_been_delivered);
    this.field = info.field ?? undefined;
    this.details = Array.isArray(info.details) ? info.details : [];
    if (info.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: info.cause, writable: true, configurable: true });
    }
  }
}

/** The caller passed something the SDK refuses before sending anything. */
export class UsageError extends AutoSendError {}
export class InvalidApiKeyError extends UsageError {}
export class MissingProjectIdError extends UsageError {}
export class ProjectIdNotAllowedError extends UsageError {}
export class KeyScopeError extends UsageError {}
export class InvalidBaseUrlError extends UsageError {}
/** Local validation failed (nothing was sent). */
export class ValidationError extends UsageError {}
export class UnknownEndpointError extends UsageError {}
export class InvalidConfigError extends UsageError {}

/** A webhook delivery failed verification. */
export class WebhookVerificationError extends AutoSendError {}
export class WebhookSignatureError extends WebhookVerificationError {}
export class WebhookTimestampError extends WebhookVerificationError {}
export class WebhookMalformedError extends WebhookVerificationError {}

/** The API answered with an error. */
export class ApiError extends AutoSendError {}
/** HTTP 400/422 from the API. */
export class ApiValidationError extends ApiError {}
export class AuthenticationError extends ApiError {}
export class PlanRequiredError extends ApiError {}
export class PermissionError extends ApiError {}
export class NotFoundError extends ApiError {}
export class ConflictError extends ApiError {}
export class RateLimitError extends ApiError {}
export class ServerError extends ApiError {}
export class UnexpectedStatusError extends ApiError {}
export class InvalidResponseError extends ApiError {}

/**
 * The request could not be completed on the network. Its subclasses split by what the server
 * may have seen: `ConnectionError` (nothing was sent) never includes an ambiguous outcome;
 * `TimeoutError`, `ConnectionLostError` and `AbortedError` may (read `mayHaveBeenDelivered`).
 */
export class TransportError extends AutoSendError {}
/** Could not connect (kind `connect`, 300): nothing was sent, so calling again is safe. */
export class ConnectionError extends TransportError {}
/**
 * The connection broke after the request was sent (kind `connection_lost`, 302): a send may
 * have been delivered (`mayHaveBeenDelivered`). Not a ConnectionError.
 */
export class ConnectionLostError extends TransportError {}
/** The attempt timed out after the request was sent (kind `timeout`, 301). */
export class TimeoutError extends TransportError {}
export class DeadlineExceededError extends TimeoutError {}
/**
 * The caller aborted the call through its `{ signal }` (never retried). `cause` is the
 * signal's reason. `mayHaveBeenDelivered` is true when a send (a non-idempotent endpoint) was
 * on the wire when the abort came, or an earlier attempt of it ended without a clear answer
 * (the core's `Call::cancel` decides). Kind `aborted`, code 304.
 */
export class AbortedError extends TransportError {}
/** The shared budget on Redis failed and `onRedisError: 'raise'` was set: nothing was sent
 * (kind `budget_store`, code 320). */
export class BudgetStoreError extends TransportError {}

/** A bug in the SDK. */
export class InternalError extends AutoSendError {}
export class PanicError extends InternalError {}

// Every error class by its exported name. The keys are the names users see in `err.name`:
// minifiers rename classes but keep property names, so `name` is set from here. A test checks
// that every kind of the core's taxonomy (errorKinds()) maps to a class listed here.
const ERROR_CLASSES = {
  AutoSendError, UsageError, InvalidApiKeyError, MissingProjectIdError, ProjectIdNotAllowedError,
  KeyScopeError, InvalidBaseUrlError, ValidationError, UnknownEndpointError, InvalidConfigError,
  WebhookVerificationError, WebhookSignatureError, WebhookTimestampError, WebhookMalformedError,
  ApiError, ApiValidationError, AuthenticationError, PlanRequiredError, PermissionError,
  NotFoundError, ConflictError, RateLimitError, ServerError, UnexpectedStatusError,
  InvalidResponseError, TransportError, ConnectionError, ConnectionLostError, TimeoutError,
  DeadlineExceededError, AbortedError, BudgetStoreError, InternalError, PanicError,
};
for (const [name, Cls] of Object.entries(ERROR_CLASSES)) {
  Object.defineProperty(Cls.prototype, 'name', { value: name, writable: true, configurable: true });
}

const CLASS_BY_CODE = {
  100: InvalidApiKeyError,
  101: MissingProjectIdError,
  102: ProjectIdNotAllowedError,
  103: KeyScopeError,
  104: InvalidBaseUrlError,
  105: ValidationError,
  106: UnknownEndpointError,
  107: InvalidConfigError,
  150: WebhookSignatureError,
  151: WebhookTimestampError,
  152: WebhookMalformedError,
  200: ApiValidationError,
  201: AuthenticationError,
  202: PlanRequiredError,
  203: PermissionError,
  204: NotFoundError,
  205: ConflictError,
  206: RateLimitError,
  207: ServerError,
  208: UnexpectedStatusError,
  209: InvalidResponseError,
  300: ConnectionError,
  301: TimeoutError,
  302: ConnectionLostError,
  303: DeadlineExceededError,
  304: AbortedError,
  320: BudgetStoreError,
  900: InternalError,
  901: PanicError,
};

const CLASS_BY_CATEGORY = {
  usage: UsageError,
  webhook: WebhookVerificationError,
  remote: ApiError,
  transport: TransportError,
  internal: InternalError,
};

/** Builds the error object for the core's error JSON. */
export function errorFromJson(info) {
  let Cls = CLASS_BY_CODE[info.code] || CLASS_BY_CATEGORY[info.category] || AutoSendError;
  // ConnectionError promises that nothing of the call was delivered. A last attempt that
  // could not connect after an earlier ambiguous one (opt-in retryNonIdempotent) keeps its
  // kind and code but is a plain TransportError, with mayHaveBeenDelivered.
  if (Cls === ConnectionError && info.may_have_been_delivered) Cls = TransportError;
  return new Cls(info);
}

// Errors thrown by the wasm functions are the core's error JSON as a string.
function fromThrown(e) {
  if (typeof e === 'string') {
    try {
      return errorFromJson(JSON.parse(e));
    } catch {
      return errorFromJson(BOUNDARY_ERRORS.unreadable);
    }
  }
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) {
    trapped = true;
    return errorFromJson(BOUNDARY_ERRORS.trap);
  }
  return e;
}

// After a trap the module's memory may hold half-done state (a held borrow, an allocator in
// the middle of a change): no further call goes into it; each throws the same PanicError.
let trapped = false;

function core(fn) {
  if (trapped) throw errorFromJson(BOUNDARY_ERRORS.trap);
  try {
    return fn();
  } catch (e) {
    throw fromThrown(e);
  }
}

// ---------------------------------------------------------------------------------------
// Small runtime helpers (web-standard APIs only).

const clock =
  typeof performance !== 'undefined' && typeof performance.now === 'function'
    ? () => performance.now()
    : () => Date.now();

// The retry-jitter seed of a call (two 32-bit halves). Jitter only, not a secret: from
// Math.random. (crypto.getRandomValues per call cost ~20 µs in Node, and its first use loads
// Node's WebCrypto at start-up; payload encryption still takes its bytes from it.)
function randomSeed() {
  return [(Math.random() * 2 ** 32) >>> 0, (Math.random() * 2 ** 32) >>> 0];
}

// Payload encryption (JWE): the core asks for random bytes per call; they come from the
// platform CSPRNG (crypto.getRandomValues), never from Math.random.
function provideEntropy(call) {
  const need = call.entropyNeeded();
  if (need === 0) return;
  const c = globalThis.crypto;
  if (!c || typeof c.getRandomValues !== 'function') {
    throw localError('internal', '', 'payload encryption needs crypto.getRandomValues, which this runtime lacks; nothing was sent');
  }
  const bytes = new Uint8Array(need);
  try {
    // getRandomValues fills at most 65536 bytes per call.
    for (let i = 0; i < need; i += 65536) c.getRandomValues(bytes.subarray(i, Math.min(need, i + 65536)));
    core(() => call.provideEntropy(bytes));
  } finally {
    bytes.fill(0);
  }
}

// setTimeout holds at most 2^31 - 1 ms (about 24.8 days) and fires at once past that, so a
// longer timer is armed in steps. Returns a function that cancels it.
const MAX_TIMER_MS = 2 ** 31 - 1;
function timer(ms, fn) {
  if (ms <= MAX_TIMER_MS) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  }
  let cancel;
  const t = setTimeout(() => {
    cancel = timer(ms - MAX_TIMER_MS, fn);
  }, MAX_TIMER_MS);
  cancel = () => clearTimeout(t);
  return () => cancel();
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => {
      cancel();
      reject(abortReason(signal));
    };
    const cancel = timer(ms, () => {
      signal?.removeEventListener?.('abort', onAbort);
      resolve();
    });
    signal?.addEventListener?.('abort', onAbort, { once: true });
  });
}

function abortReason(signal) {
  return signal.reason ?? Object.assign(new Error('the call was aborted'), { name: 'AbortError' });
}

// The error for a caller abort: the core cancels the call and says whether a send may have
// gone out (a request on the wire, or an earlier ambiguous attempt).
function abortedError(signal, call, requestSent) {
  const info = JSON.parse(call.cancel(clock(), requestSent));
  info.cause = abortReason(signal);
  return errorFromJson(info);
}

// Options and parameters are read from the caller's own properties only: a property another
// library put on Object.prototype (`fetch`, `baseUrl`, `signal`…) never takes effect.
function own(o, name) {
  return o !== null && (typeof o === 'object' || typeof o === 'function') && Object.hasOwn(o, name) ? o[name] : undefined;
}

// JSON.stringify writes NaN and ±Infinity as null: a value the caller never meant would be
// sent (or an option silently dropped). strictJson refuses them and says where they are, as a
// path in the core's style (`dynamicData.a`, `attachments[0].size`). Other values that JSON
// cannot hold (cycles, BigInt) make JSON.stringify throw as usual.
class NonFiniteNumber extends Error {
  constructor(path, value) {
    super(`${path || 'value'} is ${value}`);
    this.path = path;
    this.value = value;
  }
}

// The parameters are over the endpoint's body limit (the core's maxBodyBytes): found while
// serialising, so a huge value is never serialised whole. `field` is the top-level parameter
// being written when the count passed the limit.
class TooLarge extends Error {
  constructor(field, limit) {
    super(`${field || 'the parameters'} are over ${limit} bytes`);
    this.field = field;
    this.limit = limit;
  }
}

// The path of `key` in `holder` (`dynamicData.a`, `attachments[0].size`), from the parents
// recorded while serialising (built only when an error needs it).
function pathOf(parents, holder, key) {
  let path = '';
  for (let h = holder, k = key; parents.has(h); ) {
    const seg = Array.isArray(h) ? `[${k}]` : String(k);
    path = path === '' ? seg : path.startsWith('[') ? seg + path : `${seg}.${path}`;
    const up = parents.get(h);
    if (up === null) break;
    [h, k] = up;
  }
  return path;
}

// JSON text of `value`. With `limit`, counts a lower bound of the UTF-8 size as it goes
// (string lengths, keys, separators) and throws TooLarge as soon as it passes the limit, then
// checks the finished text's length (UTF-16 units never exceed UTF-8 bytes): nothing is
// refused that fits, and nothing over the limit is serialised to the end or crosses into wasm.
function strictJson(value, limit = Infinity) {
  const parents = new Map(); // object → [holder, key] (null for the root)
  let size = 0;
  let top = '';
  const json = JSON.stringify(value, function (key, v) {
    const n = typeof v === 'number' ? v : v instanceof Number ? Number(v) : 0;
    if (!Number.isFinite(n)) throw new NonFiniteNumber(pathOf(parents, this, key), n);
    if (key === '' && !parents.has(this)) {
      if (v !== null && typeof v === 'object') parents.set(v, null);
      return v;
    }
    if (this === value) top = Array.isArray(value) ? `[${key}]` : key;
    const t = typeof v;
    if (v === undefined || t === 'function' || t === 'symbol') return v;
    // One separator per member, its key and quotes, and the value's own lower bound.
    size += Array.isArray(this) ? 1 : key.length + 4;
    if (t === 'string') size += v.length + 2;
    else if (t === 'number') size += String(v).length;
    else if (v === null || t !== 'object') size += 4;
    else {
      size += 1;
      parents.set(v, [this, key]);
    }
    if (size > limit) throw new TooLarge(top, limit);
    return v;
  });
  if (json !== undefined && json.length > limit) throw new TooLarge('', limit);
  return json;
}

// An error object built by the core (its code, category and hint) for a value this layer
// cannot convert.
function localError(kind, field, message) {
  return errorFromJson(JSON.parse(wasm().localError(kind, field, message)));
}

const NON_FINITE = 'NaN and Infinity cannot be sent as JSON';
// The client's option names for the core's config keys, in error messages.
const OPTION_NAMES = { timeoutMs: 'timeout', deadlineMs: 'deadline' };

function readEnv(names) {
  const p = globalThis.process;
  if (!p || typeof p !== 'object' || !p.env) return {};
  const out = {};
  for (const name of names) {
    try {
      const v = p.env[name];
      if (typeof v === 'string') out[name] = v;
    } catch {
      // Deno without --allow-env: act as if the variable were unset.
    }
  }
  return out;
}

function toBytes(body) {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('rawBody must be a string, Uint8Array or ArrayBuffer (the raw request body)');
}

// Headers (fetch `Headers`, a plain object, Node's IncomingHttpHeaders, or [[name, value]])
// as the flat [name, value, name, value, …] list the webhook exports take.
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

// `name\nvalue\n…` back to [[name, value]] (the rare oversized answer only).
function linePairs(lines) {
  const parts = lines.split('\n');
  const out = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push([parts[i], parts[i + 1]]);
  return out;
}

// fetch rejects with a TypeError for every network failure, so it cannot tell "could not
// connect" (nothing sent) from "reset after the request went out". Only errors that prove
// no connection was established are `connect` (retried even for sends); everything else is
// `connection_lost`, which the core never retries for non-idempotent calls and reports with
// mayHaveBeenDelivered: a send is never repeated on a guess.
const CONNECT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CONNECT',
  'ConnectionRefused',
  'FailedToOpenSocket',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function errorCodes(err) {
  const codes = [];
  let e = err;
  for (let i = 0; e && i < 5; i++) {
    if (typeof e.code === 'string') codes.push(e.code);
    if (e.errors && Array.isArray(e.errors)) for (const x of e.errors) if (x && typeof x.code === 'string') codes.push(x.code);
    e = e.cause;
  }
  return codes;
}

function messages(err) {
  const out = [];
  let e = err;
  for (let i = 0; e && i < 5; i++) {
    if (typeof e.message === 'string') out.push(e.message);
    e = e.cause;
  }
  return out.join(' | ');
}

/** @internal Exported for tests: how a fetch rejection before any response is read. */
export function classifyFetchError(err) {
  if (errorCodes(err).some((c) => CONNECT_CODES.has(c))) return 'connect';
  // Deno: "error sending request … client error (Connect): tcp connect error: Connection refused".
  if (/tcp connect error|dns error|client error \(Connect\)|Unable to connect|^bad port$|\| bad port/i.test(messages(err))) return 'connect';
  return 'connection_lost';
}

// The parameters as JSON for the core, refused here (typed, field named) when they hold a
// non-finite number or are over the endpoint's body limit (the core's maxBodyBytes).
// The core's body limit per endpoint id (ids the core knows only: the map stays bounded).
const BODY_LIMITS = new Map();
function maxBodyBytes(endpointId) {
  let limit = BODY_LIMITS.get(endpointId);
  if (limit === undefined) {
    limit = wasm().maxBodyBytes(endpointId);
    if (limit > 0) BODY_LIMITS.set(endpointId, limit);
  }
  return limit || Infinity;
}

// Plain data (objects with Object.prototype or none, arrays, strings, finite numbers,
// booleans, null) of at most PLAIN_BUDGET characters, as counted by strictJson: it is written
// by JSON.stringify without a replacer (V8's fast serialiser; the replacer runs per key).
// Anything else (undefined, functions, toJSON, Dates, class instances, non-finite numbers,
// inherited enumerable keys, deep or big values) goes through strictJson, which refuses
// what must be refused and says where. Returns undefined when the value is not such data.
const PLAIN_BUDGET = 1 << 16;
const OBJECT_PROTO = Object.prototype;
function plainRest(v, budget, depth) {
  const t = typeof v;
  if (t === 'string') return budget - v.length - 2;
  if (t === 'number') return Number.isFinite(v) ? budget - 1 : -1;
  if (t === 'boolean' || v === null) return budget - 4;
  if (t !== 'object' || depth > 32) return -1;
  if ('toJSON' in v) return -1;
  budget -= 2;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length && budget >= 0; i++) budget = plainRest(v[i], budget - 1, depth + 1);
    return budget;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== OBJECT_PROTO && proto !== null) return -1;
  for (const k in v) {
    if (budget < 0 || !Object.hasOwn(v, k)) return -1;
    budget = plainRest(v[k], budget - k.length - 4, depth + 1);
  }
  return budget;
}
function plainJson(value, limit) {
  if (plainRest(value, Math.min(limit, PLAIN_BUDGET), 0) < 0) return undefined;
  const json = JSON.stringify(value);
  return json.length > limit ? undefined : json;
}

function paramsJson(endpointId, params, strictTypes = false) {
  try {
    const limit = maxBodyBytes(String(endpointId));
    return plainJson(params ?? {}, limit) ?? strictJson(params ?? {}, limit);
  } catch (e) {
    if (e instanceof NonFiniteNumber) throw localError('validation', e.path, `is ${e.value}: ${NON_FINITE}`);
    if (e instanceof TooLarge) {
      throw localError(
        'validation',
        e.field,
        `is too large: ${endpointId} takes at most ${e.limit} bytes (${Math.floor(e.limit / 1048576)} MB, the API's limit); send less per call (e.g. split the data or link big files)`,
      );
    }
    if (strictTypes) throw localError('validation', '', `the parameters cannot be converted to JSON (${e?.message ?? e})`);
    return ''; // the core reports what it cannot read
  }
}

// Above this many characters of JSON, #run lets the event loop turn before the core parses.
const YIELD_AT_CHARS = 1 << 20;

let maxResponse;
function maxResponseBytes() {
  return (maxResponse ??= wasm().maxResponseBytes());
}

// The response body, read as a stream and given up as soon as it passes `cap` bytes (null).
// The attempt's AbortSignal (its timeout) covers this read too.
async function readCapped(response, cap) {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > cap) return null;
  const stream = response.body;
  if (!stream || typeof stream.getReader !== 'function') {
    const whole = new Uint8Array(await response.arrayBuffer());
    return whole.byteLength > cap ? null : whole;
  }
  const reader = stream.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? chunks[0] : concatBytes(chunks, total);
}

// Node only (set by the Node entry point): undici's diagnostics channels tell whether an
// attempt's request was written on a connection (trusted once a `sendHeaders` was seen in
// this process; before that, only when the attempt's own connection never completed), and a dispatcher whose connect timeout is
// the client's timeout keeps a stalled TLS handshake from holding the process open.
let nodeHooks = null;
const WIRE = new WeakMap(); // undici request → the attempt's { tracked, sent }
// The attempt whose fetch() call is on the stack: Node's fetch creates its undici request
// synchronously inside that call, so `undici:request:create` finds the attempt here without
// an AsyncLocalStorage (whose promise hooks cost every promise of the process).
let creating = null;

/**
 * @internal Called by the Node entry point with node:diagnostics_channel, AsyncLocalStorage,
 * Node's own fetch and a getter of node:zlib.
 */
export function _setNodeHooks({ diagnosticsChannel, AsyncLocalStorage, fetch, zlib }) {
  if (nodeHooks || !diagnosticsChannel || !AsyncLocalStorage) return;
  nodeHooks = { als: null, agents: new Map(), fetch, zlib, proven: false, direct: false, subscribe: null };
  // The channels are subscribed to on the first attempt that goes through fetch (a caller's
  // `options.fetch`): the default path (dispatchAttempt) needs none of them.
  nodeHooks.subscribe = () => subscribeChannels(diagnosticsChannel, AsyncLocalStorage);
}

function subscribeChannels(diagnosticsChannel, AsyncLocalStorage) {
  nodeHooks.subscribe = null;
  const als = new AsyncLocalStorage();
  nodeHooks.als = als;
  const mark = (field) => (msg) => {
    const wire = msg?.request && WIRE.get(msg.request);
    if (wire) wire[field] = true;
  };
  diagnosticsChannel.subscribe('undici:request:create', (msg) => {
    const wire = creating ?? als.getStore();
    if (wire && msg?.request) {
      wire.tracked = true;
      WIRE.set(msg.request, wire);
    }
  });
  diagnosticsChannel.subscribe('undici:client:sendHeaders', (msg) => {
    nodeHooks.proven = true; // this Node's fetch reports written requests
    mark('sent')(msg);
  });
  diagnosticsChannel.subscribe('undici:request:headers', mark('sent'));
  // A connection opened for this attempt (its async context) and whether it completed.
  const flag = (field) => () => {
    const wire = als.getStore();
    if (wire) wire[field] = true;
  };
  diagnosticsChannel.subscribe('undici:client:beforeConnect', flag('connecting'));
  diagnosticsChannel.subscribe('undici:client:connected', flag('connected'));
  // `direct` (set in nodeFetch): proven, and a request was seen created inside its attempt's
  // fetch() call; from then on attempts skip the AsyncLocalStorage.
}

// fetch(url, init) for one attempt, its undici request tied to `wire`. Until this Node's fetch
// has shown that it reports written requests (`proven`) and creates the request synchronously,
// the call runs inside the AsyncLocalStorage (whose store also tells the connection events
// apart, needed only before `proven`); then directly, and the storage is disabled.
function nodeFetch(client, fetchImpl, url, init, wire) {
  nodeHooks.subscribe?.();
  if (nodeHooks.direct) {
    creating = wire;
    try {
      return fetchImpl.call(client, url, init);
    } finally {
      creating = null;
    }
  }
  return nodeHooks.als.run(wire, () => {
    creating = wire;
    try {
      return fetchImpl.call(client, url, init);
    } finally {
      creating = null;
      if (wire.tracked && nodeHooks.proven && !nodeHooks.direct) {
        nodeHooks.direct = true;
        nodeHooks.als.disable();
      }
    }
  });
}

// Whether Node's global dispatcher is its own kind (class `Agent`, or none yet). A dispatcher
// the caller installed with undici's setGlobalDispatcher (MockAgent in tests, ProxyAgent,
// EnvHttpProxyAgent, RetryAgent…) is theirs to keep: attempts then go through fetch, which
// uses it (without the client's connect timeout).
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');
function ownKind(dispatcher) {
  return dispatcher === undefined || dispatcher?.constructor?.name === 'Agent';
}

// One undici Agent per connect timeout (the global dispatcher's class), built once; only for
// Node's own fetch (a replaced globalThis.fetch gets no `dispatcher`) and while the global
// dispatcher is of its own kind (ownKind). The Agent itself once built (no await per
// attempt), else a Promise of it.
function nodeDispatcher(connectTimeoutMs) {
  if (typeof nodeHooks.fetch !== 'function' || globalThis.fetch !== nodeHooks.fetch) return undefined;
  if (!ownKind(globalThis[GLOBAL_DISPATCHER])) return undefined;
  return nodeHooks.agents.get(connectTimeoutMs) ?? newNodeDispatcher(connectTimeoutMs);
}

async function newNodeDispatcher(connectTimeoutMs) {
  // Loading Node's undici (its lazy `Headers` global) installs the global dispatcher; where
  // that is not enough, a first fetch does.
  if (!globalThis[GLOBAL_DISPATCHER]) void globalThis.Headers;
  if (!globalThis[GLOBAL_DISPATCHER]) {
    try {
      await nodeHooks.fetch('data:,');
    } catch {
      // fall through: no dispatcher
    }
  }
  const current = globalThis[GLOBAL_DISPATCHER];
  const Agent = current?.constructor;
  if (typeof Agent !== 'function' || !ownKind(current)) return undefined;
  let agent = nodeHooks.agents.get(connectTimeoutMs);
  if (!agent) {
    try {
      agent = new Agent({ connect: { timeout: Math.max(1, connectTimeoutMs) } });
    } catch {
      return undefined;
    }
    nodeHooks.agents.set(connectTimeoutMs, agent);
  }
  return agent;
}

// Node's default fetch: an attempt goes straight to the client's undici Agent through the
// dispatcher API (no WHATWG Request, Headers, Response, AbortSignal or stream per attempt,
// most of what a fetch costs). undici calls the handler's `onConnect` just before it writes
// the request on a connection, so an attempt that ends before `onConnect` was never written
// (`sent` false: `connect`, retried even for a send), and one that ends before it (timeout,
// the caller's signal) aborts there, so the request is never written later. As with fetch:
// redirects are not followed, a `content-encoding` (gzip, deflate, br) is decoded, and the
// body is given up past `cap` bytes, coded or decoded (`oversized`).
// Resolves (never rejects) to { status, lines, bytes, sent, timedOut, aborted, oversized,
// error }: `lines` are the headers as `name\nvalue\n…`, or null when one holds a line feed.
function dispatchAttempt(agent, send, body, signal, timeoutMs, cap) {
  return new Promise((resolve) => {
    const st = { status: 0, lines: '', bytes: null, sent: false, timedOut: false, aborted: false, oversized: false, error: null };
    const chunks = [];
    let size = 0;
    let encoding = null;
    let abortRequest = null;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      cancelTimer();
      if (signal) signal.removeEventListener?.('abort', onAbort);
      resolve(st);
    };
    // Ends the attempt now; a request not yet on a connection is aborted in onConnect.
    const stop = () => {
      if (settled) return;
      finish();
      if (abortRequest) abortRequest(new Error('autosend: attempt ended'));
    };
    const cancelTimer = timer(Math.max(1, timeoutMs), () => {
      st.timedOut = true;
      stop();
    });
    const onAbort = () => {
      st.aborted = true;
      stop();
    };
    if (signal) signal.addEventListener?.('abort', onAbort, { once: true });
    const url = send.url;
    const at = url.indexOf('/', url.indexOf('//') + 2);
    const headers = [];
    for (const [k, v] of send.headers) headers.push(k, v);
    const handler = {
      onConnect(abort) {
        if (settled) {
          abort(new Error('autosend: attempt ended'));
          return;
        }
        abortRequest = abort;
        st.sent = true;
      },
      onHeaders(status, raw) {
        if (settled) return false;
        if (status < 200) return true; // informational (100 Continue…): the answer follows
        st.status = status;
        let lines = '';
        let declared = -1;
        for (let i = 0; i + 1 < raw.length; i += 2) {
          const k = raw[i].toString('latin1').toLowerCase();
          const v = raw[i + 1].toString('latin1');
          if (lines !== null) lines = k.includes('\n') || v.includes('\n') ? null : `${lines}${k}\n${v}\n`;
          if (k === 'content-length') declared = Number(v);
          else if (k === 'content-encoding') encoding = encoding === null ? v : `${encoding}, ${v}`;
        }
        st.lines = lines ?? pairsOf(raw);
        if (declared > cap) {
          st.oversized = true;
          stop();
          return false;
        }
        return true;
      },
      onData(chunk) {
        if (settled) return false;
        size += chunk.length;
        if (size > cap) {
          st.oversized = true;
          stop();
          return false;
        }
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        if (settled) return;
        const whole = chunks.length === 1 ? chunks[0] : concatBytes(chunks, size);
        const decoded = encoding === null ? whole : decodeBody(whole, encoding, cap);
        if (decoded === null) st.oversized = true;
        else st.bytes = decoded;
        finish();
      },
      onError(err) {
        if (settled) return;
        st.error = err;
        finish();
      },
      onUpgrade() {},
    };
    try {
      agent.dispatch(
        { origin: at < 0 ? url : url.slice(0, at), path: at < 0 ? '/' : url.slice(at), method: send.method, headers, body },
        handler,
      );
    } catch (err) {
      handler.onError(err);
    }
  });
}

// Raw header buffers as [[name, value]] (the rare header holding a line feed).
function pairsOf(raw) {
  const out = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i].toString('latin1').toLowerCase(), raw[i + 1].toString('latin1')]);
  return out;
}

function concatBytes(chunks, size) {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

// A coded body decoded as fetch would (codings applied last first; an unknown coding leaves
// the bytes as they came, for the core to judge); null past `cap` decoded bytes.
function decodeBody(bytes, encoding, cap) {
  const opts = { maxOutputLength: cap + 1 };
  let out = bytes;
  const codings = encoding.toLowerCase().split(',').map((c) => c.trim()).filter((c) => c && c !== 'identity');
  try {
    const zlib = codings.length ? nodeHooks.zlib() : null; // a bundle may lack node:zlib: bytes as they came
    for (let i = codings.length - 1; i >= 0; i--) {
      const c = codings[i];
      if (c === 'gzip' || c === 'x-gzip') out = zlib.gunzipSync(out, opts);
      else if (c === 'br') out = zlib.brotliDecompressSync(out, opts);
      else if (c === 'deflate') out = (out[0] & 0x0f) === 8 ? zlib.inflateSync(out, opts) : zlib.inflateRawSync(out, opts);
      else return bytes;
      if (out.byteLength > cap) return null;
    }
  } catch (e) {
    if (e?.code === 'ERR_BUFFER_TOO_LARGE') return null; // past maxOutputLength
    return bytes; // not what it says it is: the core reports the body it cannot read
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Results: the response's `data` (or the bytes of a binary endpoint) with a non-enumerable
// `lastResponse` {status, requestId, message, alreadyGone, attempts} (Stripe-style), so the
// server's message and request id are there without changing what the data looks like.

/** @internal Exported for tests: builds a call's result from the core's `done` JSON. */
export function _result(done, bytes) {
  const info = {
    status: done.status,
    requestId: done.requestId ?? null,
    message: done.message ?? null,
    alreadyGone: Boolean(done.alreadyGone),
    attempts: done.attempts ?? 1,
  };
  let value;
  if (done.binary) {
    value = bytes instanceof Uint8Array ? bytes : new Uint8Array(0);
    info.contentType = done.contentType ?? null;
    info.filename = done.filename ?? null;
  } else {
    // As the core returns it: `{message}` for message-only answers, `{}` for empty ones, and
    // `null` when the server sent `data: null` (which cannot carry lastResponse).
    value = done.data ?? null;
  }
  if (value !== null && typeof value === 'object' && Object.isExtensible(value)) {
    Object.defineProperty(value, 'lastResponse', { value: Object.freeze(info), enumerable: false });
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// The client.

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

// [[namespace, name, id, paged, chunked]] per endpoint, read once.
let methods = null;
function catalogMethods() {
  return (methods ??= JSON.parse(wasm().catalogMethods()));
}

export class AutoSend {
  #client;
  #fetch;
  #defaultFetch = false;
  #timeoutMs;
  #redis = null;
  #onRedisEvent = null;
  // Call events (docs/contract.md, Call events): null while nobody listens (nothing recorded).
  #events = null;

  /**
   * @param {string} [apiKey] AS_… or ASA_…; when omitted, AUTOSEND_API_KEY (or
   *   AUTOSEND_ACCOUNT_API_KEY + AUTOSEND_PROJECT_ID) where `process.env` exists.
   * @param {object} [options] projectId, baseUrl, timeout (ms per attempt), maxRetries,
   *   retryNonIdempotent, deadline (ms per call), rateLimits {perSecond, perMinute,
   *   secondMs, minuteMs} (window lengths: only to match a sandbox's --time-scale), fetch,
   *   redis (an ioredis or node-redis v4+ client: one rate-limit budget per key shared by every
   *   process using that Redis), onRedisError ('fallback' | 'raise'), onRedisEvent
   *   ({event, message} => void; default console.warn), appInfo {name, version?, url?} (added
   *   to the User-Agent the core builds), onEvent (event => void: every call event, see
   *   docs/contract.md "Call events"; camelCase fields), logger (an object with `debug` and
   *   `info` methods, e.g. console or pino: call events as log lines). Without `logger`,
   *   AUTOSEND_LOG=debug (or info) in the environment logs them to the console.
   */
  constructor(apiKey, options = {}) {
    if (apiKey instanceof String) apiKey = String(apiKey);
    if (apiKey !== null && typeof apiKey === 'object') {
      options = apiKey;
      apiKey = own(options, 'apiKey');
      if (apiKey instanceof String) apiKey = String(apiKey);
    }
    const w = wasm();
    checkKeyType(apiKey);
    const opts = options || {};
    const option = (name) => own(opts, name);
    const fetchImpl = option('fetch') ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') {
      throw new InvalidConfigError({
        code: 107,
        kind: 'invalid_config',
        category: 'usage',
        message: 'no fetch implementation: pass options.fetch',
      });
    }
    this.#fetch = option('fetch') ? fetchImpl : (...args) => globalThis.fetch(...args);
    this.#defaultFetch = !option('fetch');
    const rateLimits = option('rateLimits');
    const config = {
      projectId: option('projectId') ?? null,
      baseUrl: option('baseUrl') ?? null,
      timeoutMs: option('timeout') ?? null,
      maxRetries: option('maxRetries') ?? null,
      retryNonIdempotent: option('retryNonIdempotent') ?? null,
      deadlineMs: option('deadline') ?? null,
      encrypt: option('encrypt') ?? null,
      // Own properties only, nested too (JSON.stringify reads own properties).
      rateLimits:
        rateLimits !== null && typeof rateLimits === 'object'
          // Own enumerable properties only (Object.keys); unknown names and arrays go to the
          // core as they are, so its error names them.
          ? Array.isArray(rateLimits)
            ? rateLimits
            : Object.fromEntries(Object.keys(rateLimits).map((k) => [k, rateLimits[k]]))
          : rateLimits ?? null,
      privateLimiter: Boolean(option('_privateLimiter')),
      redisClient: option('redis') != null,
      onRedisError: option('onRedisError') ?? null,
      appInfo: option('appInfo') ?? null,
      runtime: runtimeName(),
      env: readEnv(JSON.parse(w.envVarNames())),
    };
    let configJson;
    try {
      configJson = strictJson(config);
    } catch (e) {
      if (!(e instanceof NonFiniteNumber)) {
        throw localError('invalid_config', '', `the options cannot be converted to JSON (${e?.message ?? e})`);
      }
      const [first, ...rest] = e.path.split('.');
      const option = [OPTION_NAMES[first] ?? first, ...rest].join('.');
      throw localError('invalid_config', '', `${option} is ${e.value}: ${NON_FINITE}; pass a whole number from 0 to Number.MAX_SAFE_INTEGER`);
    }
    const redis = option('redis');
    if (redis != null) {
      this.#redis = redisRunner(redis);
      const onRedisEvent = option('onRedisEvent');
      if (onRedisEvent != null && typeof onRedisEvent !== 'function') {
        throw localError('invalid_config', '', 'onRedisEvent must be a function ({event, message}) => void');
      }
      this.#onRedisEvent = onRedisEvent ?? ((n) => console.warn(`autosend: ${n.message}`));
    }
    // The key goes as its own string argument (not inside the JSON), as in setApiKey, so
    // the core judges a malformed key the same way in both places.
    this.#client = core(() => new w.WasmClient(configJson, String(apiKey ?? '')));
    this.#events = eventSink(option('onEvent'), option('logger'), JSON.parse(this.#client.describe()).log);
    for (const [namespace, name, id, paged, isChunked] of catalogMethods()) {
      if (!Object.hasOwn(this, namespace)) this[namespace] = {};
      const ns = this[namespace];
      if (paged) {
        ns[name] = (params, requestOptions) => this._paged(id, params, requestOptions);
      } else {
        ns[name] = (params, requestOptions) => this.request(id, params, requestOptions);
      }
      if (isChunked) ns[`${name}All`] = (params, options) => this._bulkAll(id, params, options);
    }
  }

  /** Rotates the API key; calls already running keep the old one. */
  setApiKey(apiKey) {
    if (apiKey instanceof String) apiKey = String(apiKey);
    checkKeyType(apiKey);
    core(() => this.#client.rotateKey(apiKey ?? ''));
  }

  /**
   * Calls an endpoint by its catalog id (`emails.send`) with the REST JSON parameters (path,
   * query and body fields in one flat object). Resolves to the response's `data` (the bytes,
   * as a Uint8Array, for a binary endpoint called with `download: true`), with a
   * non-enumerable `lastResponse`; rejects with an AutoSendError subclass.
   */
  async request(endpointId, params = {}, requestOptions = {}) {
    return this.#run(endpointId, params, requestOptions, null);
  }

  // One call. `onCallError(call)` (chunked bulk helpers) sees the call before it is freed when
  // it ended with an error, so the core can record that error whole.
  async #run(endpointId, params, requestOptions, onCallError) {
    const json = paramsJson(endpointId, params);
    // A big body: let the event loop run between serialising it and the core's checks.
    if (json.length > YIELD_AT_CHARS) await new Promise((resolve) => setTimeout(resolve, 0));
    const seed = randomSeed();
    const encrypt = own(requestOptions, 'encrypt');
    const timeout = numberOption(requestOptions, 'timeout');
    const maxRetries = numberOption(requestOptions, 'maxRetries');
    if (trapped) throw errorFromJson(BOUNDARY_ERRORS.trap);
    let call;
    try {
      call = this.#client.call(String(endpointId), json, seed[0], seed[1], encrypt == null ? undefined : Boolean(encrypt), timeout, maxRetries);
    } catch (e) {
      throw fromThrown(e);
    }
    const signal = own(requestOptions, 'signal');
    const events = this.#events;
    if (events) call.recordEvents(true);
    let failed = false;
    try {
      provideEntropy(call);
      for (;;) {
        const step = JSON.parse(call.poll(clock()));
        if (events) events(call);
        if (step.done) {
          if (step.done.ok) return _result(step.done, step.done.binary ? call.takeBytes() : undefined);
          throw errorFromJson(step.done.error);
        }
        if (step.wait !== undefined) {
          try {
            await sleep(step.wait, signal);
          } catch {
            throw abortedError(signal, call, false);
          }
          continue;
        }
        if (step.budget) {
          await runBudgetOp(this.#redis, call, step.budget);
          for (const n of JSON.parse(this.#client.takeBudgetNotices())) this.#onRedisEvent?.(n);
          continue;
        }
        if (signal?.aborted) throw abortedError(signal, call, false);
        await this.#attempt(call, step.send, step.send.hasBody ? call.takeBody() : undefined, signal);
      }
    } catch (e) {
      failed = true;
      throw fromThrown(e);
    } finally {
      if (events) events(call);
      if (failed && onCallError) onCallError(call);
      call.free();
    }
  }

  /** @internal The paged-list method of a namespace (see PagePromise). */
  _paged(endpointId, params, requestOptions) {
    const w = wasm();
    let json;
    try {
      json = paramsJson(endpointId, params);
    } catch (e) {
      return PagePromise.rejected(e);
    }
    let pager;
    try {
      pager = core(() => new w.WasmPager(String(endpointId), json, 0));
    } catch (e) {
      return PagePromise.rejected(e);
    }
    const fetchPage = (params) => this.request(endpointId, params, requestOptions);
    return PagePromise.first(pager, fetchPage);
  }

  /**
   * @internal A chunked bulk write (emails.bulkAll, contacts.bulkUpdateAll,
   * contactLists.bulkAddAll): the core splits the items and judges every chunk's outcome;
   * each chunk is one ordinary call. Resolves to the report; rejects only on a usage error
   * (nothing sent).
   */
  async _bulkAll(endpointId, params, options = {}) {
    const w = wasm();
    const json = paramsJson(endpointId, params, true);
    const onProgress = own(options, 'onProgress');
    if (onProgress !== undefined && typeof onProgress !== 'function') {
      throw localError('validation', 'onProgress', 'must be a function (progress) => void');
    }
    const chunker = core(() => new w.WasmChunker(String(endpointId), json));
    try {
      for (;;) {
        const next = JSON.parse(chunker.nextChunk());
        if (next === null) break;
        const { index, params: chunkParams } = next;
        let recorded = false;
        try {
          const data = await this.#run(endpointId, chunkParams, { signal: own(options, 'signal') }, (call) => {
            core(() => chunker.recordCallError(index, call));
            recorded = true;
          });
          core(() => chunker.recordOk(index, JSON.stringify(data ?? null)));
          recorded = true;
        } catch (e) {
          if (!recorded) {
            // The call could not be prepared (nothing was sent).
            const err = e instanceof AutoSendError ? e : fromThrown(e);
            core(() => chunker.recordLocalError(index, err.kind ?? 'internal', err.field ?? '', String(err.message ?? err)));
          }
        }
        if (onProgress) onProgress(progressOf(JSON.parse(chunker.progress())));
      }
      return reportOf(JSON.parse(chunker.report()), params);
    } finally {
      chunker.free();
    }
  }

  // One attempt: fetch, then the answer (or what went wrong) fed to the core. The core's
  // own errors (a thrown string, a trap) propagate to #run, which converts them.
  async #attempt(call, send, body, signal) {
    if (this.#defaultFetch && nodeHooks?.zlib) {
      let agent = nodeDispatcher(this.#connectTimeoutMs());
      if (agent instanceof Promise) agent = await agent;
      if (typeof agent?.dispatch === 'function') return this.#dispatched(call, agent, send, body, signal);
    }
    const controller = new AbortController();
    let timedOut = false;
    const cancelTimer = timer(Math.max(1, send.timeoutMs), () => {
      timedOut = true;
      controller.abort();
    });
    const onAbort = () => controller.abort();
    signal?.addEventListener?.('abort', onAbort, { once: true });
    // Node: whether this attempt's request was written (undici's diagnostics channels).
    const wire = { tracked: false, sent: false, connecting: false, connected: false };
    let response = null;
    let lines = false;
    let got;
    let bytes;
    let kind = null;
    try {
      // Null prototypes: a polluted Object.prototype (`dispatcher`, `body`…) is not read.
      const headers = Object.create(null);
      for (const [k, v] of send.headers) headers[k] = v;
      const init = Object.assign(Object.create(null), {
        method: send.method,
        headers,
        body,
        signal: controller.signal,
        redirect: 'manual',
      });
      if (this.#defaultFetch && nodeHooks) {
        const dispatcher = nodeDispatcher(this.#connectTimeoutMs());
        init.dispatcher = dispatcher instanceof Promise ? await dispatcher : dispatcher;
      }
      response = await (nodeHooks ? nodeFetch(this, this.#fetch, send.url, init, wire) : this.#fetch(send.url, init));
      // A fetch Headers object holds no line feed in names or values: its headers go to the
      // core as one `name\nvalue\n` string; anything else as JSON pairs.
      lines = typeof Headers === 'function' && response.headers instanceof Headers;
      got = lines ? '' : [];
      if (lines) {
        response.headers.forEach((v, k) => {
          got += `${k}\n${v}\n`;
        });
      } else {
        response.headers.forEach((v, k) => got.push([k, v]));
      }
      bytes = await readCapped(response, maxResponseBytes());
      if (bytes === null) controller.abort(); // stop reading; the connection is dropped
    } catch (err) {
      if (err instanceof AutoSendError) throw err;
      // Nothing was written on any connection (undici said so): nothing was sent, whether
      // the connection or its TLS handshake failed, stalled or timed out.
      const unsent =
        response === null && wire.tracked && !wire.sent && (nodeHooks?.proven || (wire.connecting && !wire.connected));
      // Cancelled by the caller: stop here (the core is not asked to retry). The request was
      // handed to fetch, so a send may have been delivered: the error says so.
      if (signal?.aborted && !timedOut) throw abortedError(signal, call, !unsent);
      if (unsent) kind = 'connect';
      else if (timedOut) kind = 'timeout';
      else if (response !== null) kind = 'connection_lost'; // the server answered: it was sent
      else kind = classifyFetchError(err);
    } finally {
      cancelTimer();
      signal?.removeEventListener?.('abort', onAbort);
    }
    if (trapped) throw errorFromJson(BOUNDARY_ERRORS.trap);
    if (kind !== null) call.handleTransportError(clock(), kind);
    else if (bytes === null) {
      const pairs = lines ? JSON.stringify(linePairs(got)) : JSON.stringify(got);
      call.handleOversizedResponse(clock(), response.status, pairs);
    } else if (lines) call.handleResponseLines(clock(), response.status, got, bytes);
    else call.handleResponse(clock(), response.status, JSON.stringify(got), bytes);
  }

  // One attempt through the client's undici Agent (see dispatchAttempt), its outcome fed to
  // the core as #attempt does for fetch.
  async #dispatched(call, agent, send, body, signal) {
    if (signal?.aborted) throw abortedError(signal, call, false);
    const st = await dispatchAttempt(agent, send, body, signal, send.timeoutMs, maxResponseBytes());
    if (trapped) throw errorFromJson(BOUNDARY_ERRORS.trap);
    if (st.aborted && !st.timedOut) throw abortedError(signal, call, st.sent);
    const lines = typeof st.lines === 'string';
    if (st.oversized) call.handleOversizedResponse(clock(), st.status, JSON.stringify(lines ? linePairs(st.lines) : st.lines));
    else if (!st.sent) call.handleTransportError(clock(), 'connect'); // never written: nothing sent
    else if (st.timedOut) call.handleTransportError(clock(), 'timeout');
    else if (st.error !== null) call.handleTransportError(clock(), 'connection_lost');
    else if (lines) call.handleResponseLines(clock(), st.status, st.lines, st.bytes);
    else call.handleResponse(clock(), st.status, JSON.stringify(st.lines), st.bytes);
  }

  // The client's per-attempt timeout, as the connect timeout of its Node dispatcher.
  #connectTimeoutMs() {
    return (this.#timeoutMs ??= JSON.parse(this.#client.describe()).timeoutMs);
  }

  /** Safe facts only (never the key). */
  toJSON() {
    const d = JSON.parse(this.#client.describe());
    return { keyKind: d.keyKind, projectId: d.projectId, baseUrl: d.baseUrl };
  }

  [INSPECT]() {
    return `AutoSend ${JSON.stringify(this.toJSON())}`;
  }

  toString() {
    return `AutoSend ${JSON.stringify(this.toJSON())}`;
  }
}

// ---------------------------------------------------------------------------------------
// Paged lists. The core's Pager decides which page comes next and when the list ends; this
// layer only sends each page's request (an ordinary call: limiter, retries) and loops.

// Each Page keeps its own copy of the core's pager (its cursor), freed when the page is
// garbage-collected.
const CURSORS =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((pager) => {
        try {
          pager.free();
        } catch {
          // already freed
        }
      })
    : null;

// Names a Page defines itself; the first page's other `data` fields (`campaigns`,
// `pagination`, `total`…) are copied onto it so that code reading them keeps working.
const PAGE_OWN = new Set(['items', 'page', 'data', 'hasMore', 'nextPage', 'toArray', 'lastResponse', 'then']);

function withPage(err, page) {
  const e = err instanceof AutoSendError ? err : fromThrown(err);
  if (e !== null && typeof e === 'object') {
    try {
      e.page = page;
    } catch {
      // a frozen foreign error: leave it as is
    }
  }
  return e;
}

// Sends the request for the pager's next page and reads the answer; the pager is owned by the
// returned Page (or freed on failure). null when the list is exhausted.
async function loadPage(pager, fetchPage) {
  const params = JSON.parse(pager.nextParams());
  if (params === null) {
    pager.free();
    return null;
  }
  const pageNo = pager.page();
  try {
    const data = await fetchPage(params);
    const info = JSON.parse(core(() => pager.handlePage(JSON.stringify(data ?? null))));
    return new Page(info, data, pager, fetchPage);
  } catch (e) {
    pager.free();
    throw withPage(e, pageNo);
  }
}

function checkCap(options) {
  const limit = own(options, 'limit');
  if (limit === undefined || limit === null) {
    throw localError('validation', 'limit', 'toArray needs a cap: pass { limit: n } (the most items to collect), or iterate with for await');
  }
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
    throw localError('validation', 'limit', `must be a whole number from 1 (got ${String(limit)})`);
  }
  return limit;
}

async function collect(iterable, limit) {
  const out = [];
  if (out.length >= limit) return out;
  for await (const item of iterable) {
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * One page of a paged list: `items`, `page` ({page, limit, total, pages, hasMore}), `data`
 * (the answer's data, with `lastResponse`), `nextPage()`, `toArray({ limit })`, and async
 * iteration over the items of this page and every later one.
 */
class Page {
  #cursor;
  #fetchPage;

  /** @internal */
  constructor(info, data, cursor, fetchPage) {
    this.#cursor = cursor;
    this.#fetchPage = fetchPage;
    CURSORS?.register(this, cursor);
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
      for (const [k, v] of Object.entries(data)) if (!PAGE_OWN.has(k)) this[k] = v;
    }
    /** The items of this page. */
    this.items = info.items;
    /** This page's metadata, as the core read it. */
    this.page = Object.freeze({
      page: info.page,
      limit: info.limit ?? null,
      total: info.total ?? null,
      pages: info.pages ?? null,
      hasMore: Boolean(info.has_more),
    });
    Object.defineProperty(this, 'data', { value: data, enumerable: false });
  }

  /** True when another page will be requested. */
  get hasMore() {
    return this.page.hasMore;
  }

  /** The answer's {status, requestId, message, attempts}. */
  get lastResponse() {
    return this.data?.lastResponse;
  }

  /**
   * The next page, or null when this was the last one. A failed request rejects with the
   * usual AutoSendError, its `page` set to the page to resume at (`{ page: err.page }`).
   * Calling it again asks for the same page again.
   */
  async nextPage() {
    if (!this.page.hasMore) return null;
    return loadPage(this.#cursor.copy(), this.#fetchPage);
  }

  /** Items of this page and of every later page, fetched as the loop advances. */
  async *[Symbol.asyncIterator]() {
    let page = this;
    while (page) {
      yield* page.items;
      page = await page.nextPage();
    }
  }

  /** At most `limit` items, from this page on (`limit` is required). */
  async toArray(options) {
    return collect(this, checkCap(options));
  }
}

// The promise a paged list method returns: a real Promise of the first Page (so `await` works
// as before), also async-iterable over every item, with toArray({ limit }).
const PagePromise = {
  wrap(promise) {
    Object.defineProperty(promise, Symbol.asyncIterator, {
      value: async function* () {
        yield* await promise;
      },
    });
    Object.defineProperty(promise, 'toArray', {
      value: async (options) => {
        const limit = checkCap(options);
        return collect(await promise, limit);
      },
    });
    return promise;
  },
  first(pager, fetchPage) {
    return PagePromise.wrap(loadPage(pager, fetchPage));
  },
  rejected(e) {
    return PagePromise.wrap(Promise.reject(e instanceof AutoSendError ? e : fromThrown(e)));
  },
};

// ---------------------------------------------------------------------------------------
// Chunked bulk writes (the core's Chunker).

function progressOf(p) {
  return {
    chunksDone: p.chunks_done,
    chunksTotal: p.chunks_total,
    itemsDone: p.items_done,
    itemsTotal: p.items_total,
  };
}

// The core's report JSON in JS form: errors become AutoSendError objects, each item carries
// the caller's value.
function reportOf(r, params) {
  const given = own(params, r.field);
  const chunks = r.chunks.map((c) => {
    const out = { index: c.index, start: c.start, end: c.end, items: c.items, status: c.status };
    if ('data' in c) out.data = c.data;
    if (c.error) out.error = errorFromJson(c.error);
    return out;
  });
  const items = r.items.map((it) => {
    const out = { index: it.index, chunk: it.chunk, status: it.status };
    if (Array.isArray(given)) out.item = given[it.index];
    const err = chunks[it.chunk]?.error;
    if (err) out.error = err;
    return out;
  });
  const report = {
    endpoint: r.endpoint,
    field: r.field,
    chunkSize: r.chunk_size,
    itemsTotal: r.items_total,
    chunksTotal: r.chunks_total,
    allAccepted: r.all_accepted,
    stopped: r.stopped,
    retrySafe: r.retry_safe,
    counts: { accepted: 0, refused: 0, may_have_been_delivered: 0, not_attempted: 0, ...r.counts },
    chunks,
    items,
  };
  Object.defineProperty(report, 'itemsWith', {
    value: (status) => items.filter((i) => i.status === status),
  });
  return report;
}

// A key that is not a string (a number, Symbol, function…) is an invalid key, not a missing one.
function checkKeyType(apiKey) {
  if (apiKey === undefined || apiKey === null || typeof apiKey === 'string') return;
  throw localError('invalid_api_key', '', `the API key must be a string (AS_… or ASA_…), not a ${typeof apiKey}`);
}

// A per-call number option (`timeout` ms, `maxRetries`): undefined when absent; the core
// checks the value (a non-number is refused here, naming the option).
function numberOption(options, name) {
  const v = own(options, name);
  if (v == null) return undefined;
  if (typeof v !== 'number') throw localError('invalid_config', '', `${name} must be a number, got ${typeof v}`);
  return v;
}

// The drain for call events, or null when nobody listens: `onEvent` gets every event,
// `logger` (or the console when AUTOSEND_LOG names a threshold) gets `autosend: <message>` at
// the event's level (`debug` / `info`), with the event as a second argument. A listener that
// throws does not break the call: the error is reported once on the console.
function eventSink(onEvent, logger, envThreshold) {
  if (onEvent != null && typeof onEvent !== 'function') {
    throw localError('invalid_config', '', 'onEvent must be a function (event) => void');
  }
  if (logger != null && (typeof logger !== 'object' && typeof logger !== 'function')) {
    throw localError('invalid_config', '', 'logger must be an object with debug and info methods (console, pino, winston)');
  }
  const log = logger ?? (envThreshold ? console : null);
  const threshold = logger ? 'debug' : envThreshold;
  if (!onEvent && !log) return null;
  let reported = false;
  return (call) => {
    for (const e of JSON.parse(call.takeEvents())) {
      try {
        onEvent?.(e);
        if (log && (threshold === 'debug' || e.level !== 'debug')) {
          const fn = typeof log[e.level] === 'function' ? log[e.level] : log.log;
          fn?.call(log, `autosend: ${e.message}`, e);
        }
      } catch (err) {
        if (!reported) console.error('autosend: an onEvent listener or logger threw:', err);
        reported = true;
      }
    }
  };
}

function runtimeName() {
  const g = globalThis;
  if (g.Deno?.version?.deno) return `deno/${g.Deno.version.deno}`;
  if (g.Bun?.version) return `bun/${g.Bun.version}`;
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return 'workerd';
  if (g.process?.versions?.node) return `node/${g.process.versions.node}`;
  return '';
}

// ---------------------------------------------------------------------------------------
// Webhooks.

/**
 * Verifies a webhook delivery (HMAC-SHA256 over the raw body, timestamp window) and returns
 * the event `{type, createdAt, deliveryId, data}`; throws a WebhookVerificationError.
 */
export function verifyWebhook(rawBody, headers, secret, options = {}) {
  const w = wasm();
  const bytes = toBytes(rawBody);
  const optNow = own(options, 'now');
  const now = optNow instanceof Date ? optNow.getTime() : optNow ?? Date.now();
  const past = own(options, 'tolerancePastMs') ?? -1;
  const future = own(options, 'toleranceFutureMs') ?? -1;
  const out = core(() =>
    w.verifyWebhook(bytes, headerList(headers), String(secret ?? ''), now, past, future),
  );
  return JSON.parse(out);
}

/**
 * The de-duplication key of a raw webhook body: `sha256:<hex>` (the same in every language,
 * for a store shared between processes).
 */
export function webhookReplayKey(rawBody) {
  return wasm().webhookReplayKey(toBytes(rawBody));
}

/**
 * Refuses a webhook body already accepted within `ttlMs`. AutoSend signs only the body: the
 * timestamp and delivery-id headers are not signed, so a captured delivery replays with a
 * fresh timestamp and still verifies. Call `firstSeen(rawBody)` after `verifyWebhook`: true
 * means process it, false means a replay or an already processed retry (answer 200, do
 * nothing). In memory and bounded by default; `store` ({insertIfAbsent(key, ttlMs)}, e.g.
 * Redis `SET key 1 NX PX ttl`) shares it between processes (then `firstSeen` returns what
 * the store returns, possibly a Promise).
 */
export class WebhookReplayGuard {
  #guard;
  #store;
  #ttlMs;
  constructor(options = {}) {
    const w = wasm();
    const own = (k) => (Object.prototype.hasOwnProperty.call(options, k) ? options[k] : undefined);
    const [ttlMs] = w.replayDefaults();
    this.#ttlMs = own('ttlMs') ?? ttlMs;
    this.#store = own('store') ?? null;
    this.#guard = core(() => new w.WasmReplayGuard(this.#ttlMs, own('capacity') ?? -1));
  }
  firstSeen(rawBody, options = {}) {
    const bytes = toBytes(rawBody);
    if (this.#store) return this.#store.insertIfAbsent(wasm().webhookReplayKey(bytes), this.#ttlMs);
    const now = options.now instanceof Date ? options.now.getTime() : options.now ?? Date.now();
    return this.#guard.firstSeen(bytes, now);
  }
  get size() {
    return this.#guard.size();
  }
}

/** Every error kind of the contract: `[{code, name, category, hint}]`. */
export function errorKinds() {
  return JSON.parse(wasm().errorKinds());
}

/** The endpoint catalog the namespaces are built from (the core's full description). */
export function endpoints() {
  return JSON.parse(wasm().describeCatalog());
}

/** Core and binding versions. */
export function versions() {
  return JSON.parse(wasm().versions());
}

/**
 * @internal Thin low-level access for the conformance-vector runner: the raw wasm exports
 * (WasmClient, WasmCall, WasmRateLimiter, parseKey, verifyWebhook). Not a stable API.
 */
export function _lowLevel() {
  return { wasm: wasm(), errorFromJson, fromThrown };
}

// The shared budget on Redis (issue 11). The core decides everything (scripts, keys, reading
// the replies, the failure policy); this only runs `EVAL` on the user's client, within the
// op's timeout, and hands the reply back. Zero dependencies: the client is the user's.

/** Wraps an ioredis or node-redis (v4+) client, told apart by shape, as `(op) => reply`. */
function redisRunner(client) {
  const argv = (op) => [op.script, String(op.keys.length), ...op.keys, ...op.args];
  if (client && typeof client.evalsha === 'function' && typeof client.eval === 'function') {
    // ioredis: eval(script, numKeys, ...keys, ...args)
    return (op) => client.eval(...argv(op));
  }
  if (client && typeof client.sendCommand === 'function') {
    // node-redis v4+: sendCommand(['EVAL', script, numKeys, ...keys, ...args])
    return (op) => client.sendCommand(['EVAL', ...argv(op)]);
  }
  throw localError(
    'invalid_config',
    '',
    'redis must be a connected ioredis or node-redis (v4+) client (an object with eval/evalsha or sendCommand)',
  );
}

/** Runs one budget op of `call`; feeds the reply or the failure back. Never waits longer than
 * the op's timeout (an unanswered command is left behind, its outcome ignored). */
async function runBudgetOp(run, call, op) {
  if (!run) {
    core(() => call.handleBudgetError(clock(), 'no Redis client'));
    return;
  }
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('Redis did not answer in time')), op.timeout_ms);
  });
  let pending;
  try {
    pending = Promise.resolve().then(() => run(op));
    pending.catch(() => {});
    const reply = await Promise.race([pending, timeout]);
    core(() => call.handleBudgetReply(clock(), JSON.stringify(reply ?? null)));
  } catch (e) {
    const why = e?.message === 'Redis did not answer in time' ? e.message : 'the Redis command failed';
    core(() => call.handleBudgetError(clock(), why));
  } finally {
    clearTimeout(timer);
  }
}

export default AutoSend;

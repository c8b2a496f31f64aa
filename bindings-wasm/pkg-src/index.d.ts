// Types for autosend-sdk. Request types mirror the REST JSON (camelCase) of the AutoSend API;
// the core refuses unknown fields at run time, and these types refuse them at compile time.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

// Every endpoint's params and result types, the namespaces and `request(id, …)` are generated
// from api/openapi.json into endpoints.d.ts (tools/codegen/gen_ts.py).
export * from './endpoints.js';
import type { AutoSendEndpoints, EndpointId } from './endpoints.js';

// ---------------------------------------------------------------------------- results

/** What the server said about a successful call (Stripe-style `lastResponse`). */
export interface LastResponse {
  /** HTTP status (2xx). */
  readonly status: number;
  /** The server's request id (x-request-id), for support tickets. */
  readonly requestId: string | null;
  /** The envelope's top-level `message` ("Template deleted"), when it sent one. */
  readonly message: string | null;
  /** A DELETE whose first attempt had no clear answer and whose retry found it already gone. */
  readonly alreadyGone: boolean;
  /** Attempts the call took (1 without retries). */
  readonly attempts: number;
  /** Binary responses: the Content-Type. */
  readonly contentType?: string | null;
  /** Binary responses: the file name from Content-Disposition. */
  readonly filename?: string | null;
}

/** A result: the response's `data`, with a non-enumerable `lastResponse`. */
export type WithResponse<T> = T & { readonly lastResponse: LastResponse };

/** The raw bytes of a binary endpoint (`download: true`), with `lastResponse`. */
export type BinaryResult = Uint8Array & { readonly lastResponse: LastResponse };

// ------------------------------------------------------------------------- paged lists

/** The element type of the array `K` of a list result `R` (JsonValue when unknown). */
export type ItemOf<R, K extends string> = R extends { [P in K]?: infer A }
  ? NonNullable<A> extends ReadonlyArray<infer I>
    ? I
    : JsonValue
  : JsonValue;

/** A page's metadata, as the core read it (api §1.6, both metadata styles). */
export interface PageMeta {
  /** This page's number (1-based). */
  readonly page: number;
  readonly limit: number | null;
  /** Items in the whole list, as this answer says. */
  readonly total: number | null;
  /** Pages in the whole list, as this answer says (or ceil(total / limit)). */
  readonly pages: number | null;
  /** True when another page will be requested. */
  readonly hasMore: boolean;
}

/**
 * One page of a paged list. The answer's other `data` fields (`campaigns`, `pagination`,
 * `total`…) are on it as before, except the names below. Async-iterable over the items of
 * this page and every later page.
 */
export type Page<Item, Data = JsonObject> = Omit<Data, 'items' | 'page' | 'data' | 'hasMore' | 'nextPage' | 'toArray' | 'lastResponse'> &
  AsyncIterable<Item> & {
    /** The items of this page. */
    readonly items: Item[];
    readonly page: PageMeta;
    readonly hasMore: boolean;
    /** The answer's `data`, unchanged. */
    readonly data: WithResponse<Data>;
    readonly lastResponse: LastResponse;
    /**
     * The next page, or null after the last one. A failed request rejects with the usual
     * AutoSendError, `page` set to the page to resume at (`{ ...params, page: err.page }`).
     */
    nextPage(): Promise<Page<Item, Data> | null>;
    /** At most `limit` items from this page on; `limit` is required (ValidationError without). */
    toArray(options: { limit: number }): Promise<Item[]>;
  };

/**
 * What a paged list method returns: a Promise of the first page (so `await` works as before)
 * that is also async-iterable over every item of every page, fetched as the loop advances.
 */
export type PagePromise<Item, Data = JsonObject> = Promise<Page<Item, Data>> &
  AsyncIterable<Item> & {
    /** At most `limit` items; `limit` is required (ValidationError without). */
    toArray(options: { limit: number }): Promise<Item[]>;
  };

// ----------------------------------------------------------------- chunked bulk writes

/** What became of a chunk and its items (the core's policy, docs/contract.md). */
export type BulkStatus = 'accepted' | 'refused' | 'may_have_been_delivered' | 'not_attempted';

export interface BulkProgress {
  readonly chunksDone: number;
  readonly chunksTotal: number;
  readonly itemsDone: number;
  readonly itemsTotal: number;
}

export interface BulkOptions {
  /** Called after each chunk's outcome is recorded. */
  onProgress?: (progress: BulkProgress) => void;
  /** Aborts the chunk in flight (its outcome is then judged by the core); the rest is not sent. */
  signal?: AbortSignal;
}

export interface BulkChunk {
  readonly index: number;
  /** Index of its first item in your list. */
  readonly start: number;
  /** One past its last item. */
  readonly end: number;
  readonly items: number;
  readonly status: BulkStatus;
  /** The answer's `data`, when accepted. */
  readonly data?: JsonValue;
  /** The error, when refused or of unknown outcome. */
  readonly error?: AutoSendError;
}

export interface BulkItem<Item> {
  /** Index in your list. */
  readonly index: number;
  readonly chunk: number;
  readonly status: BulkStatus;
  /** Your item. */
  readonly item: Item;
  readonly error?: AutoSendError;
}

/** The outcome of a chunked bulk write, per chunk and per item (every item exactly once). */
export interface BulkReport<Item> {
  readonly endpoint: EndpointId;
  /** The body field that was split (`recipients`, `contacts`, `emails`, `contactIds`). */
  readonly field: string;
  readonly chunkSize: number;
  readonly itemsTotal: number;
  readonly chunksTotal: number;
  readonly allAccepted: boolean;
  /** The run stopped early (an error every later chunk would meet too). */
  readonly stopped: boolean;
  /** Re-sending `may_have_been_delivered` items is safe (the endpoint is idempotent). */
  readonly retrySafe: boolean;
  readonly counts: Readonly<Record<BulkStatus, number>>;
  readonly chunks: BulkChunk[];
  readonly items: BulkItem<Item>[];
  /** The items with `status` (e.g. the ones to check or re-send). */
  itemsWith(status: BulkStatus): BulkItem<Item>[];
}

/** The result of an endpoint whose answer is only a top-level `message` (deletes). */
export interface MessageOnly {
  message?: string;
}

/** The result of an endpoint that answers without a body (202/204). */
export type EmptyResult = Record<string, never>;

// ------------------------------------------------------------------------------ client

export interface RequestOptions {
  /**
   * Aborts the call (the current attempt and any wait); the promise rejects with an
   * AbortedError (`mayHaveBeenDelivered` when a send was in flight) and nothing is retried.
   */
  signal?: AbortSignal;
  /**
   * Encrypt this call's body (JWE RSA-OAEP-256 + A256GCM) or send it plain, whatever the
   * client's `encrypt` says.
   */
  encrypt?: boolean;
  /** This call's per-attempt timeout in ms (default: the client's `timeout`). */
  timeout?: number;
  /** This call's retries after the first attempt (default: the client's `maxRetries`). */
  maxRetries?: number;
}

export interface AutoSendOptions {
  apiKey?: string;
  /** Project id for account keys (ASA_), sent as x-project-id. */
  projectId?: string;
  /** Default https://api.autosend.com/v1 (http only for loopback). */
  baseUrl?: string;
  /** Per-attempt timeout in ms (default 30000). */
  timeout?: number;
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** Also retry sends after 5xx/timeouts (can deliver twice; default false). */
  retryNonIdempotent?: boolean;
  /** Overall deadline per call in ms, waits included. */
  deadline?: number;
  /**
   * Your key's limits if AutoSend raised them (default 2 per 1000 ms, 50 per 60000 ms).
   * `secondMs`/`minuteMs` are the window lengths: change them only to match a sandbox started
   * with `--time-scale N` (e.g. 100 / 6000 for N=10).
   */
  rateLimits?: { perSecond?: number; perMinute?: number; secondMs?: number; minuteMs?: number };
  /** A fetch implementation (default: the global fetch). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /**
   * Encrypt request bodies (JWE RSA-OAEP-256 + A256GCM) with AutoSend's public key from
   * `GET /jwks.json` (cached 10 minutes; default false). Randomness: crypto.getRandomValues.
   */
  encrypt?: boolean;
  /**
   * A connected ioredis or node-redis (v4+) client: every process (any language) using the
   * same Redis shares one rate-limit budget per key. The package needs no Redis dependency.
   */
  redis?: RedisLike;
  /**
   * When Redis fails (unreachable, slower than 250 ms, an odd answer): 'fallback' (default)
   * uses this process's own budget and reports once through onRedisEvent; 'raise' rejects the
   * call with a BudgetStoreError before anything is sent.
   */
  onRedisError?: 'fallback' | 'raise';
  /** Receives Redis outage notices, once each (default: console.warn). */
  onRedisEvent?: (notice: { event: 'fallback' | 'restored'; message: string }) => void;
  /** Your application, appended to the User-Agent: `name/version (+url)`. */
  appInfo?: { name: string; version?: string; url?: string };
  /** Receives every call event (request, response, retry, waits, end); never the key. */
  onEvent?: (event: AutoSendEvent) => void;
  /**
   * Logs call events as `autosend: <message>` at `debug`/`info` (console, pino, winston…).
   * Without it, AUTOSEND_LOG=debug (or info) logs them to the console.
   */
  logger?: { debug?(...args: unknown[]): void; info?(...args: unknown[]): void; log?(...args: unknown[]): void };
}

/** A structured call event (docs/contract.md, "Call events"). */
export interface AutoSendEvent {
  kind: 'request' | 'response' | 'transport_error' | 'retry' | 'rate_limit_wait' | 'budget_notice' | 'done';
  /** Endpoint id, e.g. `emails.send`. */
  endpoint: string;
  method: string;
  /** URL path as sent, without the query string. */
  path: string;
  attempt: number;
  status?: number;
  requestId?: string;
  durationMs?: number;
  waitMs?: number;
  reason?: string;
  ok?: boolean;
  error?: string;
  /** One line for a log. */
  message: string;
  level: 'debug' | 'info';
}

/** The shape of a Redis client the SDK can use: ioredis (`eval`/`evalsha`) or node-redis
 * v4+ (`sendCommand`). */
export type RedisLike =
  | { eval(...args: (string | number)[]): Promise<unknown>; evalsha(...args: (string | number)[]): Promise<unknown> }
  | { sendCommand(args: string[]): Promise<unknown> };

/** The client. Its namespaces (`client.templates.create(…)`) and `request` are generated. */
export interface AutoSend extends AutoSendEndpoints {}
export class AutoSend {
  /**
   * @param apiKey AS_… (project) or ASA_… (account). When omitted: AUTOSEND_API_KEY, or
   *   AUTOSEND_ACCOUNT_API_KEY with AUTOSEND_PROJECT_ID, read from process.env where it exists.
   */
  constructor(apiKey?: string, options?: AutoSendOptions);
  constructor(options: AutoSendOptions);
  /** Rotates the key; calls already running keep the old one. */
  setApiKey(apiKey: string): void;
  toJSON(): { keyKind: 'project' | 'account'; projectId: string | null; baseUrl: string };
}
export default AutoSend;

// ------------------------------------------------------------------------------ errors

export type ErrorKind =
  | 'invalid_api_key' | 'missing_project_id' | 'project_id_not_allowed' | 'key_scope'
  | 'invalid_base_url' | 'validation' | 'unknown_endpoint' | 'invalid_config'
  | 'webhook_invalid_signature' | 'webhook_timestamp' | 'webhook_malformed'
  | 'api_validation' | 'authentication' | 'plan_required' | 'permission' | 'not_found'
  | 'conflict' | 'rate_limited' | 'server' | 'unexpected_status' | 'invalid_response'
  | 'connect' | 'timeout' | 'connection_lost' | 'deadline_exceeded' | 'aborted' | 'budget_store' | 'internal'
  | 'panic';

export interface FieldError {
  field: string;
  message: string;
}

export class AutoSendError extends Error {
  /** Stable numeric code (100 invalid_api_key … 303 deadline_exceeded, 304 aborted, 900, 901). */
  readonly code: number;
  readonly kind: ErrorKind;
  readonly category: 'usage' | 'webhook' | 'remote' | 'transport' | 'internal';
  /** What to do next (also part of message). */
  readonly hint: string;
  readonly status?: number;
  readonly apiCode?: string;
  readonly requestId?: string;
  /** Milliseconds the server asked to wait. */
  readonly retryAfter?: number;
  /** A non-idempotent call (a send) may have been acted on although it failed. */
  readonly mayHaveBeenDelivered: boolean;
  readonly field?: string;
  readonly details: FieldError[];
  /** Paged lists: the page whose request failed (resume with `{ ...params, page }`). */
  readonly page?: number;
}
export class UsageError extends AutoSendError {}
export class InvalidApiKeyError extends UsageError {}
export class MissingProjectIdError extends UsageError {}
export class ProjectIdNotAllowedError extends UsageError {}
export class KeyScopeError extends UsageError {}
export class InvalidBaseUrlError extends UsageError {}
export class ValidationError extends UsageError {}
export class UnknownEndpointError extends UsageError {}
export class InvalidConfigError extends UsageError {}
export class WebhookVerificationError extends AutoSendError {}
export class WebhookSignatureError extends WebhookVerificationError {}
export class WebhookTimestampError extends WebhookVerificationError {}
export class WebhookMalformedError extends WebhookVerificationError {}
export class ApiError extends AutoSendError {}
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
 * The request could not be completed on the network. `ConnectionError` means nothing was
 * sent; `TimeoutError`, `ConnectionLostError` and `AbortedError` may hide a delivered send
 * (read `mayHaveBeenDelivered`). They are siblings: catching `ConnectionError` never catches
 * an ambiguous outcome.
 */
export class TransportError extends AutoSendError {}
/**
 * Could not connect, or the TLS handshake never completed (kind `connect`, 300): nothing of
 * the call was sent. (A `connect` failure after an earlier ambiguous attempt — opt-in
 * `retryNonIdempotent` — is a plain `TransportError` with `mayHaveBeenDelivered: true`.)
 */
export class ConnectionError extends TransportError {
  readonly kind: 'connect';
  readonly mayHaveBeenDelivered: false;
}
/** The connection broke after the request was sent (kind `connection_lost`, 302). Not a ConnectionError. */
export class ConnectionLostError extends TransportError {
  readonly kind: 'connection_lost';
}
/** The attempt (including reading the answer's body) timed out after the request was sent (301). */
export class TimeoutError extends TransportError {}
export class DeadlineExceededError extends TimeoutError {}
/**
 * The caller aborted the call through `{ signal }` (kind `aborted`, code 304, binding-only).
 * `cause` is the signal's reason; `mayHaveBeenDelivered` is true when a send was in flight.
 */
export class AbortedError extends TransportError {}
/** The shared budget on Redis failed and `onRedisError: 'raise'` was set; nothing was sent. */
export class BudgetStoreError extends TransportError {}
export class InternalError extends AutoSendError {}
export class PanicError extends InternalError {}

// ---------------------------------------------------------------------------- webhooks

export type WebhookEventType =
  | 'email.sent' | 'email.delivered' | 'email.deferred' | 'email.bounced' | 'email.opened'
  | 'email.clicked' | 'email.spam_reported' | 'email.unsubscribed' | 'email.group_unsubscribed'
  | 'email.group_resubscribed' | 'contact.created' | 'contact.updated' | 'contact.deleted'
  | 'email.received' | (string & {});

export interface WebhookEvent {
  type: WebhookEventType;
  createdAt: string | null;
  deliveryId: string | null;
  data: JsonObject;
}

export interface VerifyWebhookOptions {
  /** Wall clock (epoch ms or Date); default Date.now(). */
  now?: number | Date;
  /** Default 300000 (5 minutes). */
  tolerancePastMs?: number;
  /** Default 60000 (1 minute). */
  toleranceFutureMs?: number;
}

export type WebhookHeaders =
  | Headers
  | Record<string, string | string[] | undefined>
  | Array<[string, string]>;

/** Verifies a webhook delivery over the raw body; throws a WebhookVerificationError. */
export function verifyWebhook(
  rawBody: string | Uint8Array | ArrayBuffer,
  headers: WebhookHeaders,
  secret: string,
  options?: VerifyWebhookOptions,
): WebhookEvent;

/** A shared replay store, e.g. Redis `SET key 1 NX PX ttlMs`: true if `key` was new. */
export interface WebhookReplayStore {
  insertIfAbsent(key: string, ttlMs: number): boolean | Promise<boolean>;
}

/**
 * Refuses a webhook body already accepted within `ttlMs` (default 24 h). AutoSend signs only
 * the body, so the timestamp window does not stop replays; call `firstSeen` after
 * `verifyWebhook`.
 */
export class WebhookReplayGuard {
  constructor(options?: { ttlMs?: number; capacity?: number; store?: WebhookReplayStore });
  firstSeen(rawBody: string | Uint8Array | ArrayBuffer, options?: { now?: number | Date }): boolean | Promise<boolean>;
  readonly size: number;
}

/** The de-duplication key of a raw webhook body: `sha256:<hex>`. */
export function webhookReplayKey(rawBody: string | Uint8Array | ArrayBuffer): string;

export interface ErrorKindInfo {
  code: number;
  name: ErrorKind;
  category: AutoSendError['category'];
  hint: string;
}
export function errorKinds(): ErrorKindInfo[];

export interface EndpointInfo {
  id: EndpointId;
  namespace: string;
  name: string;
  method: string;
  path: string;
  path_params: string[];
  query_params: Array<{ name: string; type: string; min?: number | null; max?: number | null; enum?: string[] | null }>;
  scope: 'project' | 'project_key' | 'account' | 'account_no_project' | 'none';
  idempotent: boolean;
  has_body: boolean;
  response: 'data' | 'message' | 'binary' | 'empty';
  binary_flag: string | null;
  summary: string;
  [key: string]: unknown;
}
export function endpoints(): EndpointInfo[];
export function versions(): { core: string; binding: string };
/** Which entry point the runtime (or bundler) picked. */
export const runtimeEntry: 'node' | 'browser' | 'deno' | 'bun' | 'workerd';

// Types for autosend-sdk. Request types mirror the REST JSON (camelCase) of the AutoSend API;
// the core refuses unknown fields at run time, and these types refuse them at compile time.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

// ----------------------------------------------------------------------------- requests

export interface Address {
  email: string;
  name?: string;
  dynamicData?: JsonObject;
}

export interface Attachment {
  fileName: string;
  /** Base64 content (or fileUrl). */
  content?: string;
  contentType?: string;
  fileUrl?: string;
  description?: string;
}

export interface SendEmailRequest {
  from: Address;
  to: Address;
  subject?: string;
  html?: string;
  text?: string;
  templateId?: string;
  dynamicData?: JsonObject;
  cc?: Address[];
  bcc?: Address[];
  replyTo?: Address;
  unsubscribeGroupId?: string;
  trackingClick?: boolean;
  trackingOpen?: boolean;
  /** Custom headers (≤ 20). */
  headers?: Record<string, string>;
  /** ≤ 20 attachments. */
  attachments?: Attachment[];
  bypassSuppressions?: boolean;
}

export interface BulkRecipient {
  email: string;
  name?: string;
  dynamicData?: JsonObject;
  cc?: Address[];
  bcc?: Address[];
}

export interface BulkEmailRequest {
  /** 1–100 recipients. */
  recipients: BulkRecipient[];
  from: Address;
  subject?: string;
  html?: string;
  text?: string;
  templateId?: string;
  dynamicData?: JsonObject;
  replyTo?: Address;
  unsubscribeGroupId?: string;
  trackingClick?: boolean;
  trackingOpen?: boolean;
  headers?: Record<string, string>;
  bypassSuppressions?: boolean;
}

export interface CreateContactRequest {
  email: string;
  firstName?: string;
  lastName?: string;
  userId?: string;
  listIds?: string[];
  customFields?: JsonObject;
}

export interface UpsertContactRequest extends CreateContactRequest {
  /** E.164; "" clears it. */
  mobile?: string;
}

export interface EmailListRequest {
  emails: string[];
}

export interface BulkContact {
  email: string;
  firstName?: string;
  lastName?: string;
  userId?: string;
  customFields?: JsonObject;
}

export interface BulkUpdateContactsRequest {
  /** 1–100 contacts. */
  contacts: BulkContact[];
  runWorkflow?: boolean;
}

export interface CreateProjectRequest {
  /** ≤ 100 characters. */
  name: string;
  /** Without scheme. */
  domain?: string;
  regionKey?: 'us-east-1' | 'us-east-2' | 'ap-south-1' | 'eu-central-1' | (string & {});
}

// ---------------------------------------------------------------------------- responses

export interface SendEmailResponse {
  emailId: string;
  message?: string;
  totalRecipients?: number;
}

export interface BulkEmailResponse {
  batchId: string;
  totalRecipients: number;
  successCount: number;
  failedCount: number;
}

export interface MailStatus {
  id: string;
  projectId?: string | null;
  status: string;
  subject?: string | null;
  recipient?: JsonValue;
  sender?: JsonValue;
  sentAt?: string | null;
  deliveredAt?: string | null;
  openedAt?: string | null;
  clickedAt?: string | null;
  bouncedAt?: string | null;
}

export interface Contact {
  id: string;
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  userId?: string | null;
  mobile?: string | null;
  customFields?: JsonObject;
  listIds?: string[];
  segmentIds?: string[];
  projectId?: string | null;
  createdAt?: string | null;
  updatedAt?: string | null;
}

export interface DeleteResponse {
  message?: string;
  [key: string]: JsonValue | undefined;
}

export interface ContactSearchResponse {
  contacts: Contact[];
}

export interface BulkUpdateContactsResponse {
  successCount: number;
  failedCount: number;
  totalCount: number;
}

export interface UnsubscribeGroupsResponse {
  groups: JsonObject[];
}

export interface Project {
  id: string;
  name: string;
  domain?: string | null;
  regionKey?: string | null;
  trackingOpen?: boolean | null;
  trackingClick?: boolean | null;
  createdAt?: string | null;
}

export interface ProjectListResponse {
  projects: Project[];
}

// ------------------------------------------------------------------------------ client

export interface RequestOptions {
  /**
   * Aborts the call (the current attempt and any wait); the promise rejects with an
   * AbortedError (`mayHaveBeenDelivered` when a send was in flight) and nothing is retried.
   */
  signal?: AbortSignal;
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
  /** Your key's limits if AutoSend raised them (default 2/s, 50/min). */
  rateLimits?: { perSecond?: number; perMinute?: number };
  /** A fetch implementation (default: the global fetch). */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

export interface Emails {
  send(params: SendEmailRequest, options?: RequestOptions): Promise<SendEmailResponse>;
  bulk(params: BulkEmailRequest, options?: RequestOptions): Promise<BulkEmailResponse>;
  status(params: { id: string }, options?: RequestOptions): Promise<MailStatus>;
}

export interface Contacts {
  create(params: CreateContactRequest, options?: RequestOptions): Promise<Contact>;
  upsert(params: UpsertContactRequest, options?: RequestOptions): Promise<Contact>;
  get(params: { id: string }, options?: RequestOptions): Promise<Contact>;
  delete(params: { id: string }, options?: RequestOptions): Promise<DeleteResponse>;
  deleteByUserId(params: { userId: string }, options?: RequestOptions): Promise<DeleteResponse>;
  remove(params: EmailListRequest, options?: RequestOptions): Promise<DeleteResponse>;
  searchByEmails(params: EmailListRequest, options?: RequestOptions): Promise<ContactSearchResponse>;
  bulkUpdate(params: BulkUpdateContactsRequest, options?: RequestOptions): Promise<BulkUpdateContactsResponse>;
  unsubscribeGroups(params: { id: string }, options?: RequestOptions): Promise<UnsubscribeGroupsResponse>;
}

export interface Projects {
  list(params?: Record<string, never>, options?: RequestOptions): Promise<ProjectListResponse>;
  get(params: { projectId: string }, options?: RequestOptions): Promise<Project>;
  create(params: CreateProjectRequest, options?: RequestOptions): Promise<Project>;
  delete(params: { projectId: string }, options?: RequestOptions): Promise<DeleteResponse>;
}

export type EndpointId =
  | 'emails.send' | 'emails.bulk' | 'emails.status'
  | 'contacts.create' | 'contacts.upsert' | 'contacts.get' | 'contacts.delete'
  | 'contacts.deleteByUserId' | 'contacts.remove' | 'contacts.searchByEmails'
  | 'contacts.bulkUpdate' | 'contacts.unsubscribeGroups'
  | 'projects.list' | 'projects.get' | 'projects.create' | 'projects.delete';

export class AutoSend {
  /**
   * @param apiKey AS_… (project) or ASA_… (account). When omitted: AUTOSEND_API_KEY, or
   *   AUTOSEND_ACCOUNT_API_KEY with AUTOSEND_PROJECT_ID, read from process.env where it exists.
   */
  constructor(apiKey?: string, options?: AutoSendOptions);
  constructor(options: AutoSendOptions);
  readonly emails: Emails;
  readonly contacts: Contacts;
  readonly projects: Projects;
  /** Rotates the key; calls already running keep the old one. */
  setApiKey(apiKey: string): void;
  /** Calls any catalog endpoint by id with the REST JSON parameters. */
  request<T = unknown>(endpointId: EndpointId | (string & {}), params?: object, options?: RequestOptions): Promise<T>;
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
  | 'connect' | 'timeout' | 'connection_lost' | 'deadline_exceeded' | 'aborted' | 'internal' | 'panic';

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
export class TransportError extends AutoSendError {}
export class ConnectionError extends TransportError {}
export class ConnectionLostError extends ConnectionError {}
export class TimeoutError extends TransportError {}
export class DeadlineExceededError extends TimeoutError {}
/**
 * The caller aborted the call through `{ signal }` (kind `aborted`, code 304, binding-only).
 * `cause` is the signal's reason; `mayHaveBeenDelivered` is true when a send was in flight.
 */
export class AbortedError extends TransportError {}
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
  query: string[];
  scope: string;
  idempotent: boolean;
  has_body: boolean;
  summary: string;
}
export function endpoints(): EndpointInfo[];
export function versions(): { core: string; binding: string };
/** Which entry point the runtime picked: 'node' | 'deno' | 'bun' | 'workerd'. */
export const runtimeEntry: 'node' | 'deno' | 'bun' | 'workerd';

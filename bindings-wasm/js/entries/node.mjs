// Node.js, ESM (`import ... from 'autosend-sdk'`): the same module instance as `require`,
// so `instanceof` and the shared rate-limit budget hold across both module systems.
import sdk from '../cjs/index.cjs';

export const {
  AutoSend, AutoSendError, UsageError, InvalidApiKeyError, MissingProjectIdError,
  ProjectIdNotAllowedError, KeyScopeError, InvalidBaseUrlError, ValidationError,
  UnknownEndpointError, InvalidConfigError, WebhookVerificationError, WebhookSignatureError,
  WebhookTimestampError, WebhookMalformedError, ApiError, ApiValidationError,
  AuthenticationError, PlanRequiredError, PermissionError, NotFoundError, ConflictError,
  RateLimitError, ServerError, UnexpectedStatusError, InvalidResponseError, TransportError,
  ConnectionError, ConnectionLostError, TimeoutError, DeadlineExceededError, AbortedError,
  BudgetStoreError, InternalError,
  PanicError, errorFromJson, classifyFetchError, verifyWebhook, WebhookReplayGuard,
  webhookReplayKey, errorKinds, endpoints,
  versions, _lowLevel, _setWasmLoader, runtimeEntry,
} = sdk;
export default sdk.AutoSend;

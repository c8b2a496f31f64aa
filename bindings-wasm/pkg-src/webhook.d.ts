// autosend-sdk/webhook: webhook verification alone, backed by a small wasm (the core's webhook
// module) instead of the whole SDK's. Same functions and verdicts as the main entry's; the
// error classes are the main entry's own (`instanceof` holds across both).
export {
  verifyWebhook,
  webhookReplayKey,
  WebhookReplayGuard,
  AutoSendError,
  WebhookVerificationError,
  WebhookSignatureError,
  WebhookTimestampError,
  WebhookMalformedError,
} from './index.js';
export type {
  WebhookEvent,
  WebhookEventType,
  WebhookHeaders,
  WebhookReplayStore,
  VerifyWebhookOptions,
} from './index.js';

/** Which entry point of autosend-sdk/webhook the runtime or bundler picked. */
export const runtimeEntry: 'node' | 'browser' | 'deno' | 'bun' | 'workerd';

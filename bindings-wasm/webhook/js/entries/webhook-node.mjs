// autosend-sdk/webhook in Node.js, ESM: the same module instance as `require` (and the same
// error classes as the main entry, `autosend-sdk`).
import webhook from '../cjs/webhook-index.cjs';

export const {
  verifyWebhook,
  webhookReplayKey,
  WebhookReplayGuard,
  AutoSendError,
  WebhookVerificationError,
  WebhookSignatureError,
  WebhookTimestampError,
  WebhookMalformedError,
  runtimeEntry,
} = webhook;

'use strict';
// autosend-sdk/webhook in Node.js, CommonJS: the small wasm (the core's webhook module alone)
// is read and compiled on first use. The error classes are the main entry's (./sdk.cjs).
const sdk = require('./sdk.cjs');
const webhook = require('./webhook.cjs');

webhook._setWebhookWasm(() => require('./autosend_wasm_webhook.cjs'), sdk.errorFromJson);
module.exports = {
  verifyWebhook: webhook.verifyWebhook,
  webhookReplayKey: webhook.webhookReplayKey,
  WebhookReplayGuard: webhook.WebhookReplayGuard,
  AutoSendError: sdk.AutoSendError,
  WebhookVerificationError: sdk.WebhookVerificationError,
  WebhookSignatureError: sdk.WebhookSignatureError,
  WebhookTimestampError: sdk.WebhookTimestampError,
  WebhookMalformedError: sdk.WebhookMalformedError,
  runtimeEntry: 'node',
};

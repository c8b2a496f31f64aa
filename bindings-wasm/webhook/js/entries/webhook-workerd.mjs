// autosend-sdk/webhook in Cloudflare Workers / workerd: the small .wasm imported as a
// WebAssembly.Module (bundlers such as wrangler keep it as a separate wasm module).
import module from './autosend_wasm_webhook_bg.wasm';
import * as glue from './autosend_wasm_webhook.js';
import { errorFromJson } from './sdk.mjs';
import { _setWebhookWasm } from './webhook.mjs';

_setWebhookWasm(() => {
  glue.initSync({ module });
  return glue;
}, errorFromJson);
export { verifyWebhook, webhookReplayKey, WebhookReplayGuard } from './webhook.mjs';
export {
  AutoSendError,
  WebhookVerificationError,
  WebhookSignatureError,
  WebhookTimestampError,
  WebhookMalformedError,
} from './sdk.mjs';
export const runtimeEntry = 'workerd';

// autosend-sdk/webhook in browsers and through bundlers (Vite, webpack): the small .wasm as an
// asset (`new URL(…, import.meta.url)`), fetched and compiled in the background at import.
// In workerd without the "workerd" condition: see browser-loader.mjs.
import * as glue from './autosend_wasm_webhook.js';
import { errorFromJson } from './sdk.mjs';
import { _setWebhookWasm } from './webhook.mjs';
import { browserWasm } from './browser-loader.mjs';

const module = await browserWasm(() => new URL('./autosend_wasm_webhook_bg.wasm', import.meta.url));
_setWebhookWasm(() => {
  glue.initSync({ module: module() });
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
export const runtimeEntry = 'browser';

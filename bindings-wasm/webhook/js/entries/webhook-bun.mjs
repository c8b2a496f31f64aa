// autosend-sdk/webhook in Bun: the small .wasm read with Bun.file at import, compiled on first use.
import * as glue from './autosend_wasm_webhook.js';
import { errorFromJson } from './sdk.mjs';
import { _setWebhookWasm } from './webhook.mjs';

const bytes = await globalThis.Bun.file(new URL('./autosend_wasm_webhook_bg.wasm', import.meta.url)).arrayBuffer();
_setWebhookWasm(() => {
  glue.initSync({ module: new WebAssembly.Module(bytes) });
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
export const runtimeEntry = 'bun';

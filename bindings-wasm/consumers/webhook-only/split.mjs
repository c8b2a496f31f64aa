// A webhook receiver that imports only verifyWebhook, from the subpath autosend-sdk/webhook
// (the small wasm of the core's webhook module). Bundled by esbuild --platform=node --minify
// into one file; test.sh checks that the bundle holds the small wasm and not the SDK's.
import { verifyWebhook, WebhookSignatureError, runtimeEntry } from 'autosend-sdk/webhook';
import { check } from './check.mjs';

check(verifyWebhook, WebhookSignatureError, runtimeEntry);

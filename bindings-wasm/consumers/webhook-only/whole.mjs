// The same receiver importing verifyWebhook from the main entry (the size "before" the split).
import { verifyWebhook, WebhookSignatureError, runtimeEntry } from 'autosend-sdk';
import { check } from './check.mjs';

check(verifyWebhook, WebhookSignatureError, runtimeEntry);

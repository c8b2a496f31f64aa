// Type-checked by tests/surface.test.mjs with tsc --strict (never run): three endpoints of the
// generated surface. The test also checks a copy with a misspelled parameter fails.
import { AutoSend, type BinaryResult, type CampaignsListResult, type LastResponse } from 'autosend-sdk';

export async function main(client: AutoSend): Promise<number> {
  const template = await client.templates.create({ templateName: 'Welcome', subject: 'Hi', templateType: 'marketing' });
  const campaigns = await client.campaigns.list({ status: 'draft', limit: 10 });
  const list: CampaignsListResult = campaigns;
  const bytes: BinaryResult = await client.inbound.attachment({ id: 'msg1', idx: '0', download: true });
  const meta = await client.inbound.attachment({ id: 'msg1', idx: '0' });
  const viaId = await client.request('campaigns.list', { status: 'sent' });
  const info: LastResponse = template.lastResponse;
  const u8: Uint8Array = bytes;
  return u8.length + (list.campaigns?.length ?? 0) + (viaId.campaigns?.length ?? 0) + info.status + (meta.size ?? 0) +
    (bytes.lastResponse.contentType?.length ?? 0);
}

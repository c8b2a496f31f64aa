// Type-checked by tests/surface.test.mjs with tsc --strict (never run): three endpoints of the
// generated surface. The test also checks a copy with a misspelled parameter fails.
import { AutoSend, ConnectionError, ConnectionLostError, TransportError, type BinaryResult, type BulkReport, type CampaignsListResult, type LastResponse, type PageMeta } from 'autosend-sdk';

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

// Paged lists: a promise of the first page that is also async-iterable over every item.
export async function pages(client: AutoSend): Promise<number> {
  let n = 0;
  for await (const c of client.campaigns.list({ status: 'draft' })) n += c.id?.length ?? 0;
  const first = await client.contactLists.searchContacts({ contactListId: 'GLOBAL_CONTACT_LIST' });
  const meta: PageMeta = first.page;
  const next = await first.nextPage();
  const some = await client.templates.search({ query: 'x' }).toArray({ limit: 10 });
  const report: BulkReport<string> = await client.contactLists.bulkAddAll(
    { contactListId: 'L1', emails: ['a@example.com'] },
    { onProgress: (p) => void p.chunksDone },
  );
  const sent = await client.emails.bulkAll({
    from: { email: 'a@example.com' }, subject: 's', html: '<p>x</p>', recipients: [{ email: 'b@example.com' }],
  });
  return n + meta.page + (next?.items.length ?? 0) + some.length + report.counts.accepted +
    sent.itemsWith('may_have_been_delivered').length + first.items.length;
}


// Issue 14 item 9: a ConnectionLostError (may have been delivered) is not a ConnectionError
// (nothing sent), for the type checker as for instanceof.
export function nothingSent(e: TransportError): boolean {
  const lost = new ConnectionLostError();
  // @ts-expect-error ConnectionLostError is not assignable to ConnectionError
  const wrong: ConnectionError = lost;
  void wrong;
  return e instanceof ConnectionError && !e.mayHaveBeenDelivered;
}

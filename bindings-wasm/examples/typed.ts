// A typed example, checked with `tsc --strict --noEmit` by test.sh (consumers/ts).
import {
  AutoSend, AutoSendError, RateLimitError, ValidationError, verifyWebhook,
  type SendEmailRequest, type SendEmailResponse, type Contact, type Project, type WebhookEvent,
} from 'autosend-sdk';

export async function main(): Promise<void> {
  const client = new AutoSend(undefined, { timeout: 10_000, maxRetries: 2 });
  const request: SendEmailRequest = {
    from: { email: 'hello@mail.example.com', name: 'Example' },
    to: { email: 'ada@example.com' },
    subject: 'Typed',
    html: '<p>typed</p>',
    headers: { 'X-Campaign': 'typed' },
  };
  try {
    const sent = await client.emails.send(request);
    const data: SendEmailResponse = sent; // the data without lastResponse
    console.log(data.totalRecipients);
    // Response fields are optional in the types: the API may omit them.
    const id: string = sent.emailId ?? '';
    console.log('request id', sent.lastResponse.requestId);
    const status = await client.emails.status({ id });
    console.log(status.status, status.deliveredAt ?? 'not yet');
    const contact: Contact = await client.contacts.upsert({ email: 'ada@example.com', firstName: 'Ada' });
    const groups = await client.contacts.unsubscribeGroups({ id: contact.id ?? '' });
    console.log(groups.groups?.length ?? 0);
    const { campaigns } = await client.campaigns.list({ status: 'draft', limit: 10 });
    console.log(campaigns?.length ?? 0);
    const bulk = await client.emails.bulk({
      from: { email: 'hello@mail.example.com' },
      subject: 'Hi {{name}}',
      html: '<p>hi</p>',
      recipients: [{ email: 'a@example.com', dynamicData: { name: 'A' } }],
    });
    console.log(bulk.batchId, bulk.successCount);
  } catch (err) {
    if (err instanceof RateLimitError) console.log('retry after', err.retryAfter ?? 0, 'ms');
    else if (err instanceof ValidationError) console.log('fix', err.field);
    else if (err instanceof AutoSendError) console.log(err.code, err.kind, err.mayHaveBeenDelivered);
    else throw err;
  }
  const account = new AutoSend('ASA_example', { projectId: 'p1' });
  const { projects = [] }: { projects?: Project[] } = await account.projects.list();
  const created: Project = await account.projects.create({ name: 'new', regionKey: 'eu-central-1' });
  console.log(projects.length, created.id);
  const event: WebhookEvent = verifyWebhook('{}', { 'x-webhook-signature': 'x' }, 'whsec_x', { now: Date.now() });
  if (event.type === 'email.delivered') console.log(event.data);
  // @ts-expect-error misspelled fields are type errors (and refused by the core at run time)
  await client.emails.send({ ...request, bbc: [] });
}

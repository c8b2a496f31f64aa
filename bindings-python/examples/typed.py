"""Type-checked usage (mypy --strict runs on this file in the tests; it is not run)."""

from typing import List

import autosend
from autosend.types import Address, SendEmailRequest, SendEmailResponse, WebhookEvent


def welcome(client: autosend.AutoSend, to: Address) -> str:
    mail: SendEmailRequest = {
        "from": {"email": "hello@mail.example.com"},
        "to": to,
        "subject": "Welcome",
        "html": "<p>Hi</p>",
    }
    sent: SendEmailResponse = client.emails.send(mail)
    again = client.emails.send(from_={"email": "hello@mail.example.com"}, to=to, subject="Again", text="hi")
    return sent.get("emailId", "") + again.get("emailId", "")


def names(client: autosend.AutoSend) -> List[str]:
    return [p.get("name", "") for p in client.projects.list().get("projects", [])]


async def contact_email(client: autosend.AsyncAutoSend, contact_id: str) -> str:
    contact = await client.contacts.get(contact_id)
    await client.contacts.upsert(email=contact.get("email", ""), first_name="Ada")
    return contact.get("email", "")


def on_webhook(body: bytes, headers: "dict[str, str]", secret: str) -> str:
    try:
        event: WebhookEvent = autosend.webhooks.verify(body, headers, secret)
    except autosend.WebhookVerificationError as e:
        return f"reject: {e.kind}"
    return event["type"]


def handle(e: autosend.AutoSendError) -> float:
    if isinstance(e, autosend.RateLimitError):
        return e.retry_after or 1.0
    return 0.0 if e.may_have_been_delivered else float(e.code)

"""README quickstart: send one email, look at its status, handle errors.

Run with AUTOSEND_API_KEY set (and, for the local sandbox, AUTOSEND_BASE_URL and
AUTOSEND_CA_FILE).
"""

import os

import autosend
from autosend import AutoSend

client = AutoSend(ca_file=os.environ.get("AUTOSEND_CA_FILE"))  # key from AUTOSEND_API_KEY

try:
    sent = client.emails.send(
        from_={"email": "hello@mail.example.com", "name": "Example"},
        to={"email": "ada@example.com", "name": "Ada"},
        subject="Welcome!",
        html="<p>Hello Ada</p>",
    )
    print("queued", sent["emailId"])
    status = client.emails.status(sent["emailId"])
    print("status", status.get("status"))
except autosend.ValidationError as e:  # nothing was sent
    print("fix", e.field, "-", e)
except autosend.RateLimitError as e:
    print("slow down; retry after", e.retry_after, "s")
except autosend.AutoSendError as e:
    print("failed:", e.code, e.kind, e, "may have been delivered:", e.may_have_been_delivered)
    raise

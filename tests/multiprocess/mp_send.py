"""One sender process of the multi-process test (Python). See README.md."""
import json
import os
import sys
import time

import autosend

idx, procs, total = int(os.environ["MP_INDEX"]), int(os.environ["MP_PROCS"]), int(os.environ["MP_TOTAL"])
client = autosend.AutoSend(
    ca_file=os.environ.get("AUTOSEND_CA_FILE"),
    rate_limits={"second_ms": int(os.environ["MP_SECOND_MS"]), "minute_ms": int(os.environ["MP_MINUTE_MS"])},
    redis_url=os.environ.get("AUTOSEND_REDIS_URL") or None,
    max_retries=int(os.environ["MP_MAX_RETRIES"]),
)
sent, failed, first, last = 0, [], None, None
for n in range(idx, total, procs):
    t = time.time()
    try:
        client.emails.send(
            from_={"email": "mp@mail.example.com"},
            to={"email": f"mp-{os.environ['MP_TAG']}-{n}@example.com"},
            subject=f"multi-process {n}",
            html="<p>shared budget</p>",
        )
        sent += 1
    except autosend.AutoSendError as e:
        failed.append([n, e.kind])
    first = t if first is None else first
    last = time.time()
print(json.dumps({"lang": "python", "index": idx, "sent": sent, "failed": failed,
                  "first_ms": int(first * 1000), "last_ms": int(last * 1000)}))
sys.exit(1 if failed else 0)

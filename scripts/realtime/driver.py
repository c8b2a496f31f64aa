"""Driver of scripts/realtime-limits.sh (Python): n sequential sends through one client at the
API's limits; a 429 is counted and the send repeated. Prints one JSON line.

python driver.py URL CA_FILE KEY N
"""

import json
import sys
import time

import autosend

url, ca, key, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
c = autosend.AutoSend(key, base_url=url, ca_file=ca, max_retries=0)
ok = refused = 0
t0 = time.monotonic()
while ok < n:
    try:
        c.emails.send({"from": {"email": "hello@mail.example.com"}, "to": {"email": "a@example.com"},
                       "subject": f"m{ok}", "html": "<p>hi</p>"})
        ok += 1
    except autosend.AutoSendError as e:
        if e.status != 429:
            raise
        refused += 1
print(json.dumps({"lang": "python", "accepted": ok, "r429": refused, "makespan_s": time.monotonic() - t0}))

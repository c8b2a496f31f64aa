"""Sends one mail and prints the result.

Environment: AUTOSEND_API_KEY (required), AUTOSEND_BASE_URL (optional, e.g. the sandbox's
URL), AUTOSEND_CA_FILE (optional extra trusted CA, e.g. the sandbox's), AUTOSEND_TO (optional).
"""

import json
import os
import sys

import autosend


def main() -> int:
    try:
        client = autosend.AutoSend(ca_file=os.environ.get("AUTOSEND_CA_FILE") or None)
        result = client.emails.send(
            {
                "from": {"email": "hello@mail.example.com", "name": "AutoSend Python SDK"},
                "to": {"email": os.environ.get("AUTOSEND_TO", "ada@example.com")},
                "subject": "Hello from Python",
                "html": "<p>Sent by the <b>autosend</b> Python SDK.</p>",
                "text": "Sent by the autosend Python SDK.",
            }
        )
    except autosend.AutoSendError as e:
        print(f"send failed: {e}", file=sys.stderr)
        return 1
    print(json.dumps({"sdk": "python", "version": autosend.__version__, "result": result}, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())

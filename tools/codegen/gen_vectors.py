"""tools/vectors/endpoints.json: the endpoint list the vector tools use.

A bare JSON list `[{id, method, path, scope, idempotent}]` (the shape the vector tools read;
JSON has no comments, so the "generated" note lives here and in `generate.py --check`).
"""
import json

import model


def outputs(spec):
    rows = [{"id": o["id"], "method": o["method"], "path": o["path"], "scope": o["scope"],
             "idempotent": o["idempotent"]} for o in model.operations(spec)]
    return {"tools/vectors/endpoints.json": json.dumps(rows, indent=2, ensure_ascii=False) + "\n"}

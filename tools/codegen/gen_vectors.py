"""tools/vectors/endpoints.json: the endpoint list the vector tools use."""
import json

import model


def outputs(spec):
    rows = [{"id": o["id"], "method": o["method"], "path": o["path"], "scope": o["scope"],
             "idempotent": o["idempotent"]} for o in model.operations(spec)]
    return {"tools/vectors/endpoints.json": json.dumps(
        {"_comment": model.HEADER, "endpoints": rows}, indent=2, ensure_ascii=False) + "\n"}

"""bindings-c/include/autosend_endpoints.h: one macro per endpoint id (C89)."""
import model

PATH = "bindings-c/include/autosend_endpoints.h"


def _c_comment(s):
    return s.replace("*/", "* /")


def outputs(spec):
    lines = [
        f"/* {model.HEADER} */",
        "/*",
        " * autosend_endpoints.h: the endpoint ids of the AutoSend API, for",
        " * autosend_call()/autosend_client_call(). Each macro is the id string; the comment",
        " * gives method, path and key scope.",
        " */",
        "#ifndef AUTOSEND_ENDPOINTS_H",
        "#define AUTOSEND_ENDPOINTS_H",
        "",
    ]
    ops = model.operations(spec)
    for area, group in model.areas(ops):
        lines.append(f"/* ---- {_c_comment(area)} ---- */")
        lines.append("")
        for o in group:
            macro = "AUTOSEND_EP_" + model.upper_snake(o["namespace"]) + "_" + model.upper_snake(o["name"])
            retry = "retried after an unknown outcome" if o["idempotent"] else "never retried after an unknown outcome"
            lines.append(f"/** {_c_comment(o['summary'])}")
            lines.append(f" *  {o['method']} {_c_comment(o['path'])}; scope {o['scope']}; {retry}. */")
            lines.append(f'#define {macro} "{o["id"]}"')
            lines.append("")
    lines.append(f"/** Number of endpoints. */")
    lines.append(f"#define AUTOSEND_EP_COUNT {len(ops)}")
    lines.append("")
    lines.append("#endif /* AUTOSEND_ENDPOINTS_H */")
    return {PATH: "\n".join(lines) + "\n"}

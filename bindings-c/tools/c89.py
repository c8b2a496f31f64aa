#!/usr/bin/env python3
"""Makes cbindgen's C output plain C89 and adds the version macros.

cbindgen 0.29 writes `#endif // cond` after typed-enum guards and a comma after the last
enumerator; both are errors under `-std=c89 -pedantic -Werror`. This filter (run by
check-header.sh on cbindgen's output, so the checked-in header stays reproducible) turns the
comments into `/* */` and drops the trailing commas, and puts AUTOSEND_VERSION_* macros taken
from the workspace Cargo.toml after the include guard.

    python3 c89.py HEADER CARGO_TOML   # rewrites HEADER in place
"""
import re
import sys

header, cargo_toml = sys.argv[1], sys.argv[2]
text = open(header, encoding="utf-8").read()
version = re.search(r'^version\s*=\s*"(\d+)\.(\d+)\.(\d+)"', open(cargo_toml, encoding="utf-8").read(), re.M)
major, minor, patch = (int(x) for x in version.groups())

text = re.sub(r"^(#endif|\})(\s*)//\s*(.*)$", r"\1\2/* \3 */", text, flags=re.M)
# The last enumerator before `};` loses its comma.
text = re.sub(r",(\n\}[^\n]*;)", r"\1", text)
if "//" in re.sub(r"/\*.*?\*/", "", text, flags=re.S).replace("://", ""):
    sys.exit("c89.py: a // comment is left outside /* */ in the header")

macros = f"""
/** Version of this header (semantic versioning); compare with autosend_version() at run time. */
#define AUTOSEND_VERSION_MAJOR {major}
#define AUTOSEND_VERSION_MINOR {minor}
#define AUTOSEND_VERSION_PATCH {patch}
#define AUTOSEND_VERSION_STRING "{major}.{minor}.{patch}"
/** MAJOR * 10000 + MINOR * 100 + PATCH, for `#if AUTOSEND_VERSION_NUMBER >= 100` checks. */
#define AUTOSEND_VERSION_NUMBER {major * 10000 + minor * 100 + patch}
"""
guard = "#define AUTOSEND_H\n"
assert guard in text, "include guard not found"
text = text.replace(guard, guard + macros, 1)
open(header, "w", encoding="utf-8").write(text)

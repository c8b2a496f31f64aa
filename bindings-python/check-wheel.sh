#!/usr/bin/env bash
# Checks built distributions of autosend-sdk as PyPI and pip see them:
#   bindings-python/check-wheel.sh DIST...   (wheels and/or the sdist)
# twine check (README renders), check-wheel-contents, abi3audit --strict, auditwheel show (the
# platform tag the wheel claims is the one its symbols allow: manylinux_2_17 / musllinux_1_2),
# the extension's ELF needs only the tag's C library and architecture (no glibc > 2.17; on musl
# only libc.musl-<arch>.so.1, no glibc at all), the extension is stripped, and METADATA is complete (licence expression and files, URLs,
# classifiers, keywords; LICENSE-* and THIRD-PARTY-NOTICES.txt inside). Uses scripts/pkg-tools.sh.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../scripts/pkg-tools.sh
source "$here/../scripts/pkg-tools.sh"
[ $# -gt 0 ] || { echo "usage: $0 DIST..." >&2; exit 2; }
twine check --strict "$@"
for d in "$@"; do
    case "$d" in
        *.tar.gz)
            files="$(tar -tzf "$d")"
            for f in LICENSE-MIT LICENSE-APACHE THIRD-PARTY-NOTICES.txt README.pypi.md; do
                grep -q "/$f\$" <<<"$files" || { echo "check-wheel: $d has no $f" >&2; exit 1; }
            done
            continue ;;
    esac
    check-wheel-contents "$d"
    abi3audit --strict "$d" >/dev/null
    show="$(auditwheel show "$d" 2>&1 | tr '\n' ' ' | tr -s ' ')"
    case "$d" in
        *manylinux_2_17*) want=manylinux_2_17 ;;
        *musllinux_1_2*) want=musllinux_1_2 ;;
        *) echo "check-wheel: $d is neither manylinux2014 nor musllinux_1_2" >&2; exit 1 ;;
    esac
    echo "$show" | grep -q "consistent with the following platform tag: \"${want}_" \
        || { echo "check-wheel: auditwheel: $show" >&2; exit 1; }
    # What the extension needs from the system, read from its ELF headers (pyelftools, from
    # auditwheel's venv): the architecture of the tag, only the C library of the tag and, for
    # manylinux_2_17, no glibc symbol version above 2.17; for musllinux, no glibc version at
    # all. This is the musl wheels' check where no musl Python can run them.
    "$PKG_VENV/bin/python" - "$d" <<'PY'
import io, re, sys, zipfile
from elftools.elf.elffile import ELFFile
from elftools.elf.dynamic import DynamicSection
from elftools.elf.gnuversions import GNUVerNeedSection

wheel = sys.argv[1]
name = wheel.rsplit("/", 1)[-1]
z = zipfile.ZipFile(wheel)
so = next(n for n in z.namelist() if n.endswith(".so"))
elf = ELFFile(io.BytesIO(z.read(so)))
arch = {"EM_X86_64": "x86_64", "EM_AARCH64": "aarch64"}.get(elf["e_machine"], elf["e_machine"])
problems = []
if not name.endswith(f"_{arch}.whl"):
    problems.append(f"the .so is {arch}, the tag is not")
needed, versions = [], set()
for sec in elf.iter_sections():
    if isinstance(sec, DynamicSection):
        needed += [t.needed for t in sec.iter_tags() if t.entry.d_tag == "DT_NEEDED"]
    if isinstance(sec, GNUVerNeedSection):
        for _, auxs in sec.iter_versions():
            versions |= {a.name for a in auxs}
glibc = sorted(
    (tuple(int(x) for x in m.group(1).split(".")) for v in versions if (m := re.fullmatch(r"GLIBC_([0-9.]+)", v))),
)
if "musllinux_1_2" in name:
    if glibc:
        problems.append(f"needs glibc symbol versions {glibc[-1]} on musl")
    # musl's own soname (what Alpine's loader is called and auditwheel's musllinux policy
    # allows); zig links `libc.so`, which scripts/package.sh renames.
    musl = f"libc.musl-{arch}.so.1"
    extra = [n for n in needed if n != musl]
    if extra or musl not in needed:
        problems.append(f"needs {needed}; expected only {musl}")
    libc = f"{musl} only, no glibc symbol version"
else:
    allowed = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libgcc_s.so.1"}
    extra = [n for n in needed if n not in allowed and not n.startswith("ld-linux")]
    if extra:
        problems.append(f"needs {extra} outside the manylinux2014 set")
    if glibc and glibc[-1] > (2, 17):
        problems.append(f"needs GLIBC_{'.'.join(map(str, glibc[-1]))} > 2.17")
    libc = f"glibc symbol versions up to {'.'.join(map(str, glibc[-1])) if glibc else 'none'}"
if problems:
    sys.exit(f"check-wheel: {name}: " + "; ".join(problems))
print(f"check-wheel: {name}: ELF {arch}, NEEDED {needed}, {libc}")
PY
    python3 - "$d" <<'PY'
import sys, zipfile, email.parser
wheel = sys.argv[1]
z = zipfile.ZipFile(wheel)
names = z.namelist()
meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
meta = email.parser.Parser().parsestr(z.read(meta_name).decode())
problems = []
def need(field, cond, what):
    if not cond:
        problems.append(f"{field}: {what}")
need("License-Expression", meta.get("License-Expression") == "MIT OR Apache-2.0", "expected MIT OR Apache-2.0")
files = set(meta.get_all("License-File") or [])
for f in ("LICENSE-MIT", "LICENSE-APACHE", "THIRD-PARTY-NOTICES.txt"):
    need("License-File", f in files, f"{f} not declared")
    need("licenses/", any(n.endswith(".dist-info/licenses/" + f) for n in names), f"{f} not in the wheel")
urls = meta.get_all("Project-URL") or []
for u in ("Homepage", "Repository", "Issues", "Documentation"):
    need("Project-URL", any(x.split(",")[0].strip().lower() == u.lower() for x in urls), f"{u} missing")
classifiers = meta.get_all("Classifier") or []
need("Classifier", len(classifiers) >= 10, f"only {len(classifiers)}")
need("Classifier", any(c.startswith("Topic :: Communications :: Email") for c in classifiers), "no Topic :: Communications :: Email")
need("Keywords", "email" in (meta.get("Keywords") or ""), "no keywords")
body = meta.get_payload() or ""
need("Description", "pip install autosend-sdk" in body, "README has no `pip install autosend-sdk`")
need("Description", "pip uninstall -y autosend autosend-sdk" in body, "README does not explain the autosend name clash")
need("Requires-Python", meta.get("Requires-Python") == ">=3.9", "expected >=3.9")
so = [n for n in names if n.endswith(".so")]
need("extension", len(so) == 1, f"expected one .so, got {so}")
import io
elf = z.read(so[0])
# Section names live in .shstrtab: a stripped file has no .symtab.
need("extension", b".symtab" not in elf, f"{so[0]} is not stripped")
if problems:
    sys.exit("check-wheel: " + wheel + "\n  " + "\n  ".join(problems))
print(f"check-wheel: {wheel.rsplit('/', 1)[-1]}: METADATA complete, .so stripped ({len(elf)} bytes), wheel {len(open(wheel, 'rb').read())} bytes")
PY
done

"""The PyPI package `autosend` (unrelated) installs the same import name as autosend-sdk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import autosend


def _run(code: str, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(pythonpath))
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_no_warning_without_the_other_package(tmp_path: Path) -> None:
    r = _run("import warnings; warnings.simplefilter('error'); import autosend", tmp_path)
    assert r.returncode == 0, r.stderr


def test_other_distribution_installed_warns_with_the_fix(tmp_path: Path) -> None:
    info = tmp_path / "autosend-0.0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: autosend\nVersion: 0.0.1\n")
    r = _run(
        "import warnings\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    import autosend\n"
        "print([str(x.message) for x in w if x.category is RuntimeWarning])\n",
        tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert "unrelated project" in r.stdout and "pip uninstall -y autosend autosend-sdk" in r.stdout, r.stdout


def test_missing_native_module_is_a_clear_import_error(tmp_path: Path) -> None:
    # Our Python files without the compiled module (what the other package's install can leave).
    src = Path(autosend.__file__).parent
    shutil.copytree(src, tmp_path / "autosend", ignore=shutil.ignore_patterns("_native*.so", "__pycache__"))
    r = _run("import autosend", tmp_path)
    assert r.returncode != 0
    assert "ImportError: autosend-sdk: its compiled module autosend._native could not be loaded" in r.stderr, r.stderr
    assert "pip uninstall -y autosend autosend-sdk" in r.stderr

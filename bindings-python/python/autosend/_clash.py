"""The import name `autosend` is shared with an unrelated PyPI package called `autosend`.

Installing both makes them overwrite each other's files. `check()` runs when `autosend` is
imported: it warns when that other distribution is installed, and `native_missing()` turns a
failed import of our compiled module into an ImportError that says what to do.
"""

from __future__ import annotations

import warnings

FIX = "pip uninstall -y autosend autosend-sdk && pip install autosend-sdk"


def check() -> None:
    """Warns (RuntimeWarning) when the unrelated distribution `autosend` is installed too."""
    try:
        from importlib.metadata import PackageNotFoundError, distribution
    except ImportError:  # pragma: no cover - Python < 3.8
        return
    try:
        distribution("autosend")
    except PackageNotFoundError:
        return
    except Exception:  # a broken metadata directory must not break the import
        return
    warnings.warn(
        "the PyPI package 'autosend' (an unrelated project) is installed next to "
        "'autosend-sdk' and uses the same import name 'autosend': their files overwrite each "
        f"other. Remove both and reinstall this SDK: {FIX}",
        RuntimeWarning,
        stacklevel=3,
    )


def native_missing(err: ImportError) -> ImportError:
    """The ImportError to raise when `autosend._native` cannot be loaded."""
    return ImportError(
        "autosend-sdk: its compiled module autosend._native could not be loaded "
        f"({err}). If the unrelated PyPI package 'autosend' was installed too, it shares the "
        f"import name and may have replaced files of this SDK: {FIX}. Otherwise reinstall "
        "autosend-sdk (a wheel for your platform, or a Rust toolchain for the sdist)."
    )

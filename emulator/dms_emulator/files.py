"""Files the emulator writes for others to read while it runs (the URL file, a cassette being recorded)."""

from __future__ import annotations

import os
import tempfile


def replace_file(path: str, text: str, prefix: str) -> None:
    """Write `text` to `path` through a new file of our own, renamed over it.

    A fixed temporary name (`path + ".tmp"`) could be a symlink someone planted, and opening `path` itself would
    write through a symlink to its target; a fresh mkstemp file (named `prefix...`) in the same directory is neither,
    and the rename replaces a symlink at `path` instead of following it. Readers never see a half-written file.
    """
    directory = os.path.dirname(os.path.abspath(path))
    handle, tmp = tempfile.mkstemp(prefix=prefix, dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise

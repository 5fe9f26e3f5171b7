"""The answer cache: every model answer on disk, keyed by model, prompt and options.

One small JSON file per answer, written atomically as soon as the answer arrives, so a run that
is stopped keeps every answer it had and the next run asks only for the rest. A rerun with the
same model, prompts and options makes no model call and gives identical codings.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from qualcode.errors import OutputError


def user_cache_dir() -> Path:
    """The user's cache folder for qualcode-llm, as the platform places caches."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "qualcode" / "llm"


def answer_key(model_id: str, system: str, prompt: str, options: dict[str, Any]) -> str:
    """The cache key of one request: a hash of everything that shapes the answer."""
    payload = json.dumps(
        {"model": model_id, "system": system, "prompt": prompt, "options": options},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class AnswerCache:
    """Answers on disk under ``folder``: ``<key[:2]>/<key>.json`` holding ``{"text": ...}``."""

    def __init__(self, folder: Path) -> None:
        """Open (and create) ``folder``; one that cannot be written is an :class:`OutputError`
        before any model is asked anything."""
        self.folder = folder
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
                pass
        except OSError as error:
            raise OutputError(
                f"the answer cache folder cannot be written ({error.strerror or error})",
                path=folder,
                hint="give a writable folder with -o cache_dir=FOLDER, or -o cache=false",
            ) from None

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The cached answer of ``key``, or None (an unreadable entry counts as none)."""
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and isinstance(data.get("text"), str) else None

    def put(self, key: str, answer: dict[str, Any]) -> None:
        """Store ``answer`` under ``key`` atomically (a temporary file, then a rename)."""
        path = self._path(key)
        try:
            path.parent.mkdir(exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".answer-")
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(answer, stream, ensure_ascii=False)
            Path(temporary).replace(path)
        except OSError as error:
            raise OutputError(
                f"an answer could not be written to the cache ({error.strerror or error})",
                path=path.parent,
            ) from None

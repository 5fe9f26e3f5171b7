"""The answer cache: every model answer on disk, keyed by model, prompt and options.

One line of JSON per answer in one file, appended as soon as the answer arrives, so a run that
is stopped keeps every answer it had and the next run asks only for the rest. A rerun with the
same model, prompts and options makes no model call and gives identical codings.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import threading
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


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as stream:
        stream.seek(-1, os.SEEK_END)
        return stream.read(1) == b"\n"


class AnswerCache:
    """Answers on disk under ``folder``, in ``answers.jsonl``: one line per answer,
    ``{"key": ..., "text": ..., ...}``, appended and flushed as soon as the answer arrives.

    A line cut short by a crash is not valid JSON and is skipped when the file is read, so a
    stopped run loses at most the answer it was writing. The file is read once, on the first
    :meth:`get`; threads of one run may :meth:`put` at once.
    """

    FILE = "answers.jsonl"

    def __init__(self, folder: Path) -> None:
        """Open (and create) ``folder``; one that cannot be written is an :class:`OutputError`
        before any model is asked anything."""
        self.folder = folder
        self.path = folder / self.FILE
        self._answers: dict[str, dict[str, Any]] | None = None
        self._lock = threading.Lock()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
                pass
            self._log = self.path.open("a", encoding="utf-8")
            if self.path.stat().st_size and not _ends_with_newline(self.path):
                self._log.write("\n")  # after a line cut short, new answers start afresh
        except OSError as error:
            raise OutputError(
                f"the answer cache folder cannot be written ({error.strerror or error})",
                path=folder,
                hint="give a writable folder with -o cache_dir=FOLDER, or -o cache=false",
            ) from None

    def _load(self) -> dict[str, dict[str, Any]]:
        answers: dict[str, dict[str, Any]] = {}
        try:
            with self.path.open(encoding="utf-8") as stream:
                for line in stream:
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        continue  # a line cut short
                    if isinstance(entry, dict) and isinstance(entry.get("text"), str):
                        answers[str(entry.get("key"))] = entry
        except OSError:
            pass
        return answers

    def get(self, key: str) -> dict[str, Any] | None:
        """The cached answer of ``key``, or None."""
        with self._lock:
            if self._answers is None:
                self._answers = self._load()
            return self._answers.get(key)

    def put(self, key: str, answer: dict[str, Any]) -> None:
        """Append ``answer`` under ``key`` and flush it to the file."""
        entry = {"key": key, **answer}
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            try:
                self._log.write(line)
                self._log.flush()
            except OSError as error:
                raise OutputError(
                    f"an answer could not be written to the cache ({error.strerror or error})",
                    path=self.path,
                ) from None
            if self._answers is not None:
                self._answers[key] = entry

    def close(self) -> None:
        """Close the file (answers are flushed as they come, so nothing is lost without it)."""
        self._log.close()

    def __del__(self) -> None:
        log = getattr(self, "_log", None)
        if log is not None:
            log.close()

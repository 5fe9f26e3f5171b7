"""The models, through ``llm``: finding one by name, whether it sends text away, asking it.

Nothing is logged to ``llm``'s own database: qualcode asks through the Python API, which logs
only when told to, and never tells it to.
"""

from __future__ import annotations

import functools
import importlib.metadata
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import attrs

from qualcode.errors import OptionError

if TYPE_CHECKING:  # llm imports its command line (click) when imported: only where used
    import llm
    from llm.models import EmbeddingModel


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


def resolve_model(name: str) -> llm.Model:
    """The chat model ``llm`` knows by ``name`` (id or alias); an unknown name is an
    :class:`OptionError` listing the installed models and saying how to add one."""
    import llm

    try:
        return llm.get_model(name)
    except llm.UnknownModelError:
        installed = sorted(model.model_id for model in llm.get_models())
        listed = ", ".join(installed) if installed else "none"
        raise OptionError(
            f"no language model named {name!r} is installed (installed: {listed})",
            hint="add one with an llm plugin, e.g. 'llm install llm-ollama' for local models, "
            "then 'llm models' lists the names",
        ) from None


def model_host(model: llm.Model | EmbeddingModel) -> str | None:
    """Where the model sends text: a host name, or None for a model that runs on this machine.

    A model that needs an API key is a hosted service; one with an ``api_base`` sends text to
    that address unless it is this machine.
    """
    api_base = getattr(model, "api_base", None)
    if isinstance(api_base, str) and api_base:
        host = urlparse(api_base).hostname or api_base
        return None if host in LOCAL_HOSTS else host
    if getattr(model, "needs_key", None):
        return f"the {model.needs_key} service"
    return None


def plugin_version(model: llm.Model | EmbeddingModel) -> tuple[str, str]:
    """The distribution that provides ``model`` and its version (``("", "")`` if unknown)."""
    return _distribution_of(type(model).__module__.split(".")[0])


@functools.lru_cache(maxsize=64)
def _distribution_of(package: str) -> tuple[str, str]:
    for guess in (package, package.replace("_", "-")):  # the usual case, found at once
        try:
            return guess, importlib.metadata.version(guess)
        except importlib.metadata.PackageNotFoundError:
            continue
    for distribution in importlib.metadata.packages_distributions().get(package, []):
        try:
            return distribution, importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "", ""


def option_names(model: llm.Model) -> set[str]:
    """The options the model takes (``temperature`` among them, or not)."""
    fields = getattr(model.Options, "model_fields", {})
    return set(fields)


@attrs.frozen
class Reply:
    """A model's answer: its text and the tokens it used (None where the model does not say)."""

    text: str
    input_tokens: int | None = None
    output_tokens: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The reply as the cache stores it."""
        return {"text": self.text, "input": self.input_tokens, "output": self.output_tokens}


class ModelFailure(Exception):  # noqa: N818 - carries the model's failure to the caller
    """The model did not answer (after retries, where retrying made sense)."""


RETRY_WORDS = ("ratelimit", "rate_limit", "rate limit", "timeout", "timed out", "overloaded")


def is_transient(error: BaseException) -> bool:
    """Whether retrying may help: rate limits, time-outs, lost connections, server errors."""
    if isinstance(error, TimeoutError | ConnectionError):
        return True
    status = getattr(error, "status_code", None) or getattr(error, "status", None)
    if isinstance(status, int) and (status == 429 or status >= 500):
        return True
    described = f"{type(error).__name__} {error}".lower()
    return any(word in described for word in RETRY_WORDS)


def ask(
    model: llm.Model,
    prompt: str,
    *,
    system: str,
    schema: dict[str, Any] | None,
    options: dict[str, Any],
    retries: int,
    wait: float,
    sleep: Callable[[float], None] = time.sleep,
) -> Reply:
    """One answer of ``model``, retrying transient failures up to ``retries`` times with
    exponential backoff (``wait``, twice that, ...; with jitter). Other failures, and a
    transient one that lasts, are a :class:`ModelFailure`."""
    attempt = 0
    while True:
        try:
            response = model.prompt(prompt, system=system, schema=schema, stream=False, **options)
            text = response.text()
            usage = response.usage()
            return Reply(text, usage.input, usage.output)
        except Exception as error:  # a plugin may raise anything
            if attempt < retries and is_transient(error):
                sleep(wait * (2**attempt) * (1 + random.random() / 4))
                attempt += 1
                continue
            raise ModelFailure(f"{type(error).__name__}: {error}") from error

"""Fake language models for the tests, registered through llm's own plugin hook.

The models answer from a script the test sets: a function from the unit's text to an answer (a
string) or to an exception to raise. They go through the whole of llm's code path (``get_model``,
``Model.prompt``, ``Response.text``), so the strategy is tested as it runs with real plugins,
without a network.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest

INSTALLED = all(importlib.util.find_spec(name) for name in ("llm", "qualcode_llm"))
"""Without the plugin installed (pip install -e plugins/qualcode-llm) its tests are not run."""

collect_ignore_glob = [] if INSTALLED else ["test_*.py"]

# llm keeps its keys, aliases and logs under LLM_USER_PATH: the tests use a folder of their own
os.environ["LLM_USER_PATH"] = tempfile.mkdtemp(prefix="qualcode-llm-user-")

Script = Callable[[str], str | BaseException]


class Calls:
    """What the fake models were asked, and the script they answer from."""

    def __init__(self) -> None:
        self.script: Script = lambda unit: '{"codings": []}'
        self.prompts: list[str] = []
        self.systems: list[str | None] = []
        self.schemas: list[Any] = []
        self.temperatures: list[Any] = []

    def answer(self, prompt: Any) -> str:
        text = prompt.prompt
        self.prompts.append(text)
        self.systems.append(prompt.system)
        self.schemas.append(prompt.schema)
        self.temperatures.append(getattr(prompt.options, "temperature", None))
        unit = text.split("PASSAGE\n", 1)[-1].rstrip("\n")
        result = self.script(unit)
        if isinstance(result, BaseException):
            raise result
        return result


CALLS = Calls()


class RateLimitError(Exception):
    """What a hosted model's client raises when asked too often."""

    status_code = 429


if INSTALLED:
    import llm
    from pydantic import Field

    class FakeOptions(llm.Options):
        temperature: float | None = Field(default=None, description="sampling temperature")

    class FakeCoder(llm.Model):
        """A local model with structured output and a temperature."""

        model_id = "fake-coder"
        supports_schema = True
        Options = FakeOptions

        def execute(self, prompt: Any, stream: bool, response: Any, conversation: Any) -> Any:
            text = CALLS.answer(prompt)
            response.set_usage(input=len(prompt.prompt.split()), output=len(text.split()))
            yield text

    class FakeText(llm.Model):
        """A local model without structured output: JSON comes in a fenced block of text."""

        model_id = "fake-text"

        def execute(self, prompt: Any, stream: bool, response: Any, conversation: Any) -> Any:
            yield "Here are the codings:\n```json\n" + CALLS.answer(prompt) + "\n```\n"

    class FakeCloud(FakeCoder):
        """A hosted model: it needs a key, so it sends text off the machine."""

        model_id = "fake-cloud"
        needs_key = "fakecloud"

    MEANINGS = (
        frozenset({"alone", "lonely", "isolated", "nobody", "myself"}),
        frozenset({"help", "helped", "support", "group", "friends"}),
    )

    class FakeEmbedder(llm.EmbeddingModel):
        """Words of loneliness on one axis, of support on another, the rest on a third."""

        model_id = "fake-embed"
        embedded: list[str] = []

        def embed_batch(self, items: Any) -> Any:
            for item in items:
                FakeEmbedder.embedded.append(item)
                words = [w.strip(".,;:!?“”\"'").lower() for w in item.split()]
                vector = [0.0, 0.0, 0.1]
                for word in words:
                    axis = next((i for i, m in enumerate(MEANINGS) if word in m), 2)
                    vector[axis] += 1.0 if axis < 2 else 0.05
                yield vector

    class FakeModels:
        @llm.hookimpl
        def register_models(self, register: Callable[..., None]) -> None:
            register(FakeCoder(), aliases=["fake"])
            register(FakeText())
            register(FakeCloud())

        @llm.hookimpl
        def register_embedding_models(self, register: Callable[..., None]) -> None:
            register(FakeEmbedder())

    llm.get_models()  # llm loads its plugins once, then ours joins them
    if not llm.plugins.pm.has_plugin("qualcode-test-models"):
        llm.plugins.pm.register(FakeModels(), name="qualcode-test-models")


@pytest.fixture
def calls() -> Iterator[Calls]:
    """The fake models' record of requests, cleared; set ``calls.script`` to script answers."""
    fresh = Calls()
    CALLS.__dict__.update(fresh.__dict__)
    yield CALLS

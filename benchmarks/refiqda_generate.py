"""Write a large, schema-valid REFI-QDA project (.qdpx) for the REFI-QDA benchmark.

The project looks like a foreign tool's export: 3 users, a code tree of 120 codes, and text
sources whose texts live in ``sources/<guid>.txt`` (UTF-8, some non-ASCII letters, LF line ends).
Each source has the same number of ``PlainTextSelection`` elements, each with one ``Coding`` made
by a user at a time, spans starting and ending on word boundaries (as people select). The XML is
streamed with lxml's ``etree.xmlfile``, so writing it needs no tree in memory.

Run alone: ``python benchmarks/refiqda_generate.py OUT.qdpx [--sources N] [--codings N]
[--chars N] [--schema Project.xsd] [--no-dates]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import uuid
import zipfile
from pathlib import Path
from typing import IO

from lxml import etree

NS = "urn:QDA-XML:project:1.0"
USERS = 3
CODES = 120
START = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)
WORDS = (
    "peer", "work", "training", "boundaries", "clients", "team", "shift", "recovery", "trust",
    "supervision", "burnout", "café", "naïve", "Zoë", "support", "meeting", "the", "and", "a",
    "we", "felt", "that", "was", "really", "hard", "because", "nobody", "listened", "to", "us",
)  # fmt: skip


def _guid(generator: random.Random) -> str:
    return str(uuid.UUID(int=generator.getrandbits(128), version=4))


def _text(generator: random.Random, size: int) -> str:
    """About ``size`` characters of words in sentences and paragraphs, exactly ``size`` long."""
    parts: list[str] = []
    length = 0
    while length < size:
        words = generator.choices(WORDS, k=generator.randrange(6, 18))
        sentence = " ".join(words).capitalize() + "."
        sentence += "\n" if generator.random() < 0.15 else " "
        parts.append(sentence)
        length += len(sentence)
    return "".join(parts)[:size]


def _boundaries(text: str) -> list[int]:
    """Positions where a word starts or ends (never inside a word)."""
    edges = [0]
    inside = False
    for index, char in enumerate(text):
        alnum = char.isalnum()
        if alnum != inside:
            edges.append(index)
            inside = alnum
    edges.append(len(text))
    return edges


def generate(
    path: Path,
    *,
    sources: int = 1_000,
    codings: int = 200_000,
    chars: int = 20_000_000,
    seed: int = 7,
    dates: bool = True,
) -> dict[str, int]:
    """Write the project to ``path``; return what it holds (sources, codings, characters).

    ``dates=False`` leaves out every selection's and coding's ``creationDateTime`` (optional in
    the schema; some tools write none).
    """
    generator = random.Random(seed)
    texts: list[tuple[str, bytes]] = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("project.qde", "w", force_zip64=True) as qde:
            held = _write_qde(qde, generator, texts, sources, codings, chars, dates)
        for name, data in texts:
            archive.writestr(f"sources/{name}", data)
    return held


def _write_qde(
    stream: IO[bytes],
    generator: random.Random,
    texts: list[tuple[str, bytes]],
    sources: int,
    codings: int,
    chars: int,
    dates: bool,
) -> dict[str, int]:
    users = [_guid(generator) for _ in range(USERS)]
    codes = [_guid(generator) for _ in range(CODES)]
    held = {"sources": sources, "codings": 0, "characters": 0}
    with etree.xmlfile(stream, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element(
            f"{{{NS}}}Project",
            name="benchmark project",
            origin="refiqda benchmark generator 1.0",
            creatingUserGUID=users[0],
            creationDateTime="2024-03-01T09:00:00Z",
            nsmap={None: NS},
        ):
            with xf.element(f"{{{NS}}}Users"):
                for number, user in enumerate(users):
                    xf.write(etree.Element(f"{{{NS}}}User", guid=user, name=f"coder {number}"))
            with xf.element(f"{{{NS}}}CodeBook"), xf.element(f"{{{NS}}}Codes"):
                for group in range(0, CODES, 10):
                    xf.write(_code_group(codes, group))
            with xf.element(f"{{{NS}}}Sources"):
                per_source, extra = divmod(codings, sources)
                text_size = chars // sources
                for number in range(sources):
                    size = text_size + (chars - text_size * sources if number == 0 else 0)
                    count = per_source + (1 if number < extra else 0)
                    source, text = _source(generator, number, size, count, users, codes, dates)
                    texts.append((f"{source.get('guid')}.txt", text.encode("utf-8")))
                    held["characters"] += len(text)
                    held["codings"] += count
                    xf.write(source)
    return held


def _code_group(codes: list[str], group: int) -> etree._Element:
    """A code ``theme N`` with up to nine child codes."""
    parent = etree.Element(
        f"{{{NS}}}Code", guid=codes[group], name=f"theme {group // 10}", isCodable="true"
    )
    for number in range(group + 1, min(group + 10, CODES)):
        etree.SubElement(
            parent, f"{{{NS}}}Code", guid=codes[number], name=f"code {number}", isCodable="true"
        )
    return parent


def _source(
    generator: random.Random,
    number: int,
    size: int,
    count: int,
    users: list[str],
    codes: list[str],
    dates: bool,
) -> tuple[etree._Element, str]:
    """A TextSource with ``count`` selections over a new text of ``size`` characters."""
    guid = _guid(generator)
    text = _text(generator, size)
    edges = _boundaries(text)
    source = etree.Element(
        f"{{{NS}}}TextSource",
        guid=guid,
        name=f"interview {number:04d}",
        plainTextPath=f"internal://{guid}.txt",
        creatingUser=users[number % USERS],
        creationDateTime="2024-03-01T09:00:00Z",
    )
    for _ in range(count):
        first = generator.randrange(len(edges) - 1)
        last = min(first + generator.randrange(1, 60), len(edges) - 1)
        user = users[generator.randrange(USERS)]
        when = START + dt.timedelta(seconds=generator.randrange(90 * 86400))
        stamp = {"creationDateTime": when.strftime("%Y-%m-%dT%H:%M:%SZ")} if dates else {}
        selection = etree.SubElement(
            source,
            f"{{{NS}}}PlainTextSelection",
            guid=_guid(generator),
            startPosition=str(edges[first]),
            endPosition=str(edges[last]),
            creatingUser=user,
            **stamp,
        )
        coding = etree.SubElement(
            selection, f"{{{NS}}}Coding", guid=_guid(generator), creatingUser=user, **stamp
        )
        etree.SubElement(coding, f"{{{NS}}}CodeRef", targetGUID=codes[generator.randrange(CODES)])
    return source, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the .qdpx to write")
    parser.add_argument("--sources", type=int, default=1_000, help="text sources")
    parser.add_argument("--codings", type=int, default=200_000, help="codings in all")
    parser.add_argument("--chars", type=int, default=20_000_000, help="characters in all")
    parser.add_argument("--schema", type=Path, help="Project.xsd to validate the result against")
    parser.add_argument(
        "--no-dates", action="store_true", help="no creationDateTime on selections and codings"
    )
    args = parser.parse_args()
    held = generate(
        args.output,
        sources=args.sources,
        codings=args.codings,
        chars=args.chars,
        dates=not args.no_dates,
    )
    if args.schema is not None:
        held["valid"] = validate(args.output, args.schema)
    print(json.dumps(held))


def validate(path: Path, schema_path: Path) -> bool:
    """Whether the project XML in the .qdpx at ``path`` is valid against ``schema_path``."""
    schema = etree.XMLSchema(etree.parse(str(schema_path)))
    with zipfile.ZipFile(path) as archive:
        document = etree.fromstring(archive.read("project.qde"))
    return bool(schema.validate(document))


if __name__ == "__main__":
    main()

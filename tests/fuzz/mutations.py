"""Seeded mutations of an input file: bytes, XML, JSON and ZIP members.

Every function takes a :class:`random.Random` and returns the new bytes with a short description
of what changed, so that a failing case can be told and replayed from its seed.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections.abc import Callable
from typing import Any

from lxml import etree

INTERESTING = [
    b"",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"\xed\xa0\x80",  # a UTF-8 encoded surrogate
    b"<",
    b">",
    b"&",
    b"&#0;",
    b"&#x110000;",
    b'"',
    b"'",
    b"\r",
    b"\n",
    b"\r\n",
    b"\t",
    b",",
    b";",
    b"-1",
    b"0",
    b"2147483648",
    b"9" * 40,
    b"1e999",
    b"NaN",
    b"-0",
    b"]]>",
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
    b"00:00:00,000 --> 99:99:99,999",
    b"\xe2\x80\xa8",
    b"{",
    b"[",
    b"}",
    b"null",
]
"""Tokens that parsers have tripped on: encodings, markup, numbers at the edges."""

INTERESTING_VALUES = [
    "",
    "-1",
    "0",
    "1e9",
    "1e999",
    "NaN",
    "inf",
    "2147483648",
    "99999999999999999999999",
    "1.5",
    "true",
    "x" * 300,
    "\x00",
    "\u2028",
    "\ud800",
    "../../etc/passwd",
    "internal://../../x.txt",
    "/etc/passwd",
    "00000000-0000-0000-0000-000000000000",
    "2024-13-45T25:61:61",
    "#zzzzzz",
]
"""Attribute and JSON values at the edges of what readers expect."""


def byte_mutation(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One change to the raw bytes: flipped bits, a cut, an insertion, a deletion, a copy."""
    if not data:
        token = rng.choice(INTERESTING)
        return token, f"empty input replaced by {token!r}"
    kind = rng.choice(["flip", "truncate", "insert", "delete", "duplicate", "replace"])
    position = rng.randrange(len(data))
    if kind == "flip":
        flipped = bytearray(data)
        count = rng.randint(1, 8)
        for _ in range(count):
            at = rng.randrange(len(flipped))
            flipped[at] ^= 1 << rng.randrange(8)
        return bytes(flipped), f"{count} bit(s) flipped"
    if kind == "truncate":
        return data[:position], f"cut at byte {position}"
    if kind == "insert":
        token = rng.choice(INTERESTING)
        return data[:position] + token + data[position:], f"{token!r} inserted at {position}"
    length = rng.randint(1, max(1, min(len(data) - position, 64)))
    if kind == "delete":
        return data[:position] + data[position + length :], f"{length} bytes deleted at {position}"
    if kind == "duplicate":
        chunk = data[position : position + length]
        return data[:position] + chunk * rng.randint(2, 50) + data[position + length :], (
            f"{length} bytes at {position} repeated"
        )
    token = rng.choice(INTERESTING)
    return data[:position] + token + data[position + length :], (
        f"{length} bytes at {position} replaced by {token!r}"
    )


def xml_mutation(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One change to an XML document's tree: an element removed, repeated or nested deeply, or
    an attribute removed or given an odd value. Falls back to bytes when it does not parse."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return byte_mutation(data, rng)
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    element = rng.choice(elements)
    name = etree.QName(element).localname
    kind = rng.choice(["attribute", "attribute", "drop attribute", "remove", "repeat", "text"])
    if kind == "attribute" or (kind == "drop attribute" and not element.attrib):
        attribute = rng.choice([*element.attrib.keys(), "guid", "name"])
        value = rng.choice(INTERESTING_VALUES)
        element.set(attribute, value.replace("\x00", "").replace("\ud800", ""))
        change = f"<{name}> {attribute}={value[:20]!r}"
    elif kind == "drop attribute":
        attribute = rng.choice(list(element.attrib.keys()))
        del element.attrib[attribute]
        change = f"<{name}> without {attribute}"
    elif kind == "remove" and element is not root:
        parent = element.getparent()
        assert parent is not None
        parent.remove(element)
        change = f"<{name}> removed"
    elif kind == "repeat" and element is not root:
        parent = element.getparent()
        assert parent is not None
        copies = rng.randint(2, 20)
        for _ in range(copies - 1):
            parent.insert(parent.index(element), _copy(element))
        change = f"<{name}> repeated {copies} times"
    else:
        element.text = rng.choice(INTERESTING_VALUES).replace("\x00", "").replace("\ud800", "")
        change = f"<{name}> text changed"
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8"), change


def _copy(element: Any) -> Any:
    return etree.fromstring(etree.tostring(element))


def json_mutation(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One value of a JSON document replaced by an odd one (or nested deeply)."""
    try:
        document = json.loads(data)
    except ValueError:
        return byte_mutation(data, rng)
    places: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                places.append((node, key))
                walk(value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                places.append((node, index))
                walk(value)

    walk(document)
    if not places:
        return byte_mutation(data, rng)
    container, key = rng.choice(places)
    replacement: Any = rng.choice(
        [None, -1, 0, 2**70, 1.5, True, "", [], {}, {"map": {}}, [[[[]]]], *INTERESTING_VALUES]
    )
    if isinstance(replacement, str):
        replacement = replacement.replace("\ud800", "")
    container[key] = replacement
    return json.dumps(document).encode("utf-8"), f"{key!r} set to {str(replacement)[:20]!r}"


def zip_mutation(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One change to a ZIP's members: a member's content mutated, a member removed, or its
    compression changed. Falls back to bytes when it is not a readable ZIP."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info, archive.read(info)) for info in archive.infolist()]
    except Exception:  # any damage a previous mutation did: mutate the bytes instead
        return byte_mutation(data, rng)
    if not members:
        return byte_mutation(data, rng)
    chosen = rng.randrange(len(members))
    kind = rng.choice(["content", "content", "content", "remove", "method"])
    method: dict[int, int] = {}
    change = ""
    if kind == "remove":
        change = f"member {members[chosen][0].filename} removed"
        del members[chosen]
    elif kind == "method":
        method[chosen] = rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
        change = f"member {members[chosen][0].filename} compressed with method {method[chosen]}"
    else:
        info, content = members[chosen]
        mutate = pick_mutation(info.filename, content)
        new, inner = mutate(content, rng)
        members[chosen] = (info, new)
        change = f"member {info.filename}: {inner}"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (info, content) in enumerate(members):
            archive.writestr(
                info.filename, content, compress_type=method.get(index, zipfile.ZIP_DEFLATED)
            )
    return out.getvalue(), change


Mutation = Callable[[bytes, random.Random], tuple[bytes, str]]


def pick_mutation(name: str, data: bytes) -> Mutation:
    """The structured mutation that fits a file (by its name and first bytes)."""
    lowered = name.lower()
    if data.startswith(b"PK\x03\x04"):
        return zip_mutation
    if lowered.endswith((".qde", ".qdc", ".xml", ".rels")) or data.lstrip().startswith(b"<?xml"):
        return xml_mutation
    if lowered.endswith(".json"):
        return json_mutation
    return byte_mutation


def mutate(name: str, data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """``data`` changed once or a few times: mostly in its structure, sometimes in its bytes."""
    steps = rng.choice([1, 1, 1, 2, 3])
    changes: list[str] = []
    for _ in range(steps):
        mutation = pick_mutation(name, data) if rng.random() < 0.7 else byte_mutation
        data, change = mutation(data, rng)
        changes.append(change)
    return data, "; ".join(changes)

"""Opening a .docx package safely: the ZIP container, its relationships and its XML parts.

A .docx is a ZIP of XML parts (Office Open XML). Before anything is parsed this module tells apart
the files people mistake for one: an empty file, a password-protected document (Word encrypts it
into an OLE compound file), a legacy Word 97-2003 ``.doc`` (also OLE), and a corrupt or truncated
ZIP. Each gets a :class:`~qualcode.errors.ParseError` naming the file and what to do.

Safety: member names must be relative and stay inside the package, the parts read are bounded in
size (checked while reading, not trusted from the ZIP header), and XML is parsed with entity
resolution, DTD loading and network access off; a part that declares a DTD is refused.
"""

from __future__ import annotations

import io
import lzma
import posixpath
import struct
import threading
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from qualcode.errors import ParseError, UnsafeInputError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

MAX_PART_BYTES = 256 * 1024 * 1024
"""The largest uncompressed XML part read (a 5,000-word transcript is well under 1 MiB)."""
MAX_MEMBERS = 20_000

_MAIN_REL = "/officeDocument"
# what zipfile raises on damaged input (ValueError includes bad file name encodings)
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    ValueError,
    EOFError,
    OSError,
    NotImplementedError,
    struct.error,
    IndexError,
    KeyError,
)
_SAVE_AS_DOCX = "open it in Word (or LibreOffice) and save it as a Word document (.docx)"


class DocxPackage:
    """An opened .docx: the ZIP, the main document part and the parts related to it."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.data = data
        check_container(data, path)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except _ZIP_ERRORS as error:
            raise _corrupt(path, str(error)) from error
        if len(infos) > MAX_MEMBERS:
            raise UnsafeInputError(
                f"the package has {len(infos)} members, more than {MAX_MEMBERS}",
                path=path,
                hint="this is not an ordinary Word document; check where it came from",
            )
        self._members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            if name.startswith("/") or "\\" in name or ".." in name.split("/"):
                raise UnsafeInputError(
                    f"the package has a member with an unsafe name: {name!r}",
                    path=path,
                    hint="this is not an ordinary Word document; check where it came from",
                )
            self._members[name.lower()] = info
        self.main_part = self._find_main_part()
        self.relations = self.relationships(self.main_part)

    # -- parts ---------------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        """Whether the package holds a part of this name (case-insensitive, as OPC says)."""
        return name.lower() in self._members

    def read(self, name: str) -> bytes:
        """The bytes of one part, bounded by :data:`MAX_PART_BYTES`."""
        info = self._members.get(name.lower())
        if info is None:
            raise _corrupt(self.path, f"the part {name} is missing")
        if info.file_size > MAX_PART_BYTES:
            raise _too_big(self.path, name)
        try:
            with self._zip.open(info) as stream:
                data = stream.read(MAX_PART_BYTES + 1)
        except NotImplementedError as error:  # an unknown compression method or ZIP version
            raise _corrupt(self.path, f"the part {name} cannot be read ({error})") from error
        except RuntimeError as error:  # zipfile's message for an encrypted member
            raise ParseError(
                f"the part {name} is encrypted",
                path=self.path,
                hint="remove the password in Word and save the document again",
            ) from error
        except _ZIP_ERRORS as error:
            raise _corrupt(self.path, f"the part {name} cannot be read ({error})") from error
        if len(data) > MAX_PART_BYTES:
            raise _too_big(self.path, name)
        return data

    def fingerprint(self, name: str) -> tuple[int, int]:
        """The CRC-32 and size of a part, from the ZIP directory (nothing is decompressed)."""
        info = self._members[name.lower()]
        return info.CRC, info.file_size

    def xml(self, name: str) -> etree._Element:
        """One part parsed safely into an element tree."""
        return parse_xml(self.read(name), self.path, name)

    def related(self, kind: str) -> str | None:
        """The name of the main part's related part of this kind (e.g. ``"comments"``), or None."""
        return self.relations.get(kind)

    def relationships(self, part: str) -> dict[str, str]:
        """Relationship kind (last segment of its type) -> target part name, for ``part``."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels_name):
            return {}
        # files from one program share their relationship parts: read each one once
        key = (folder, *self.fingerprint(rels_name))
        found = _RELATIONSHIPS.get(key)
        if found is None:
            found = self._read_relationships(rels_name, folder)
            if len(_RELATIONSHIPS) >= 64:
                _RELATIONSHIPS.clear()
            _RELATIONSHIPS[key] = found
        return dict(found)

    def _read_relationships(self, rels_name: str, folder: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for rel in self.xml(rels_name).iter(f"{{{PACKAGE_RELS}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            target = rel.get("Target") or ""
            if not kind or not target:
                continue
            if target.startswith("/"):
                resolved = target.lstrip("/")
            else:
                resolved = posixpath.normpath(posixpath.join(folder, target))
            if resolved.startswith("../") or resolved == "..":
                continue
            found.setdefault(kind, resolved)
        return found

    def _find_main_part(self) -> str:
        root_rels = self.relationships("")
        main = root_rels.get(_MAIN_REL.lstrip("/"))
        if main is None and self.has("word/document.xml"):
            main = "word/document.xml"
        if main is None or not self.has(main):
            if self.has("xl/workbook.xml") or self.has("ppt/presentation.xml"):
                what = "an Excel workbook" if self.has("xl/workbook.xml") else "a presentation"
                raise ParseError(
                    f"this is {what}, not a Word document",
                    path=self.path,
                    hint="import it with the importer for that kind of file",
                )
            raise _corrupt(self.path, "it has no main document part (word/document.xml)")
        return main


def check_container(data: bytes, path: Path) -> None:
    """Refuse empty files, OLE containers (encrypted .docx, legacy .doc) and non-ZIP files."""
    if not data:
        raise ParseError(
            "the file is empty (0 bytes)",
            path=path,
            hint="check that the file was copied or saved completely",
        )
    if data.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ParseError(
                "the document is password-protected (encrypted)",
                path=path,
                hint="open it in Word, remove the password (File > Info > Protect Document > "
                "Encrypt with Password, clear it) and save it as .docx",
            )
        if "WordDocument".encode("utf-16-le") in data:
            raise ParseError(
                "this is a legacy Word 97-2003 document (.doc), not a .docx",
                path=path,
                hint=_SAVE_AS_DOCX,
            )
        raise ParseError(
            "this is an OLE compound file (an old Office format), not a .docx",
            path=path,
            hint=_SAVE_AS_DOCX,
        )
    if not data.startswith(ZIP_MAGIC):
        if data.lstrip()[:5].lower() in (b"{\\rtf", b"<?xml", b"<html"):
            raise ParseError(
                "this is not a .docx (it looks like RTF, Word XML or HTML)",
                path=path,
                hint=_SAVE_AS_DOCX,
            )
        raise ParseError("this is not a .docx (not a ZIP package)", path=path, hint=_SAVE_AS_DOCX)


_RELATIONSHIPS: dict[tuple[str, int, int], dict[str, str]] = {}
_PARSERS = threading.local()  # an lxml parser is reusable, but only within one thread


def parse_xml(data: bytes, path: Path, part: str) -> etree._Element:
    """Parse one XML part with entity resolution, DTDs and network access off."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True
        )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ParseError(
            f"the part {part} is not well-formed XML ({error})",
            path=path,
            element=part,
            hint="the file is damaged; open it in Word, let Word repair it, and save it again",
        ) from error
    if root.getroottree().docinfo.doctype:  # type: ignore[union-attr]
        raise UnsafeInputError(
            f"the part {part} declares a DTD, which Word never writes",
            path=path,
            element=part,
            hint="this is not an ordinary Word document; check where it came from",
        )
    return root


def _corrupt(path: Path, detail: str) -> ParseError:
    return ParseError(
        f"the .docx is corrupt or truncated: {detail}",
        path=path,
        hint="get a fresh copy of the file, or open it in Word, let Word repair it and save it",
    )


def _too_big(path: Path, part: str) -> UnsafeInputError:
    return UnsafeInputError(
        f"the part {part} is larger than {MAX_PART_BYTES // (1024 * 1024)} MiB uncompressed",
        path=path,
        element=part,
        hint="split the document into smaller files",
    )

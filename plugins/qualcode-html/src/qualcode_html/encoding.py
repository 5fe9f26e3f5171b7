"""The encoding of an HTML page's bytes, found the way a browser finds it, and the page's text.

A byte order mark decides; else the first ``<meta charset>`` (or ``http-equiv`` Content-Type) that
HTML's encoding prescan finds in the first 1024 bytes, skipping comments; else UTF-8. Labels are
read with the WHATWG Encoding Standard's table, https://encoding.spec.whatwg.org/#names-and-labels,
and the prescan is HTML's "prescan a byte stream to determine its encoding",
https://html.spec.whatwg.org/multipage/parsing.html#prescan-a-byte-stream-to-determine-its-encoding.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from qualcode import TextOrigin
from qualcode.errors import TextEncodingError

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

PRESCAN_BYTES = 1024
"""How far into the page the prescan looks for a ``<meta>`` declaring the encoding."""

# The WHATWG Encoding Standard's encodings and their labels, as its table lists them
# (https://encoding.spec.whatwg.org/#names-and-labels), each with the Python codec that decodes
# it. Where Python's codec and the standard's decoder differ, the codec is the one closest to it:
# the standard decodes Shift_JIS as windows-31j (cp932), EUC-KR as windows-949 (cp949), Big5 with
# the HKSCS extensions and GBK with the gb18030 decoder.
_ENCODINGS: tuple[tuple[str, str, str], ...] = (
    ("UTF-8", "utf-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"),
    ("IBM866", "cp866", "866 cp866 csibm866 ibm866"),
    (
        "ISO-8859-2",
        "iso8859-2",
        "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 iso_8859-2:1987 l2 latin2",
    ),
    (
        "ISO-8859-3",
        "iso8859-3",
        "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 iso_8859-3:1988 l3 latin3",
    ),
    (
        "ISO-8859-4",
        "iso8859-4",
        "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 iso_8859-4:1988 l4 latin4",
    ),
    (
        "ISO-8859-5",
        "iso8859-5",
        "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 iso_8859-5 "
        "iso_8859-5:1988",
    ),
    (
        "ISO-8859-6",
        "iso8859-6",
        "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 iso-8859-6 "
        "iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987",
    ),
    (
        "ISO-8859-7",
        "iso8859-7",
        "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 iso8859-7 iso88597 "
        "iso_8859-7 iso_8859-7:1987 sun_eu_greek",
    ),
    (
        "ISO-8859-8",
        "iso8859-8",
        "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 iso8859-8 "
        "iso88598 iso_8859-8 iso_8859-8:1988 visual",
    ),
    ("ISO-8859-8-I", "iso8859-8", "csiso88598i iso-8859-8-i logical"),
    (
        "ISO-8859-10",
        "iso8859-10",
        "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6",
    ),
    ("ISO-8859-13", "iso8859-13", "iso-8859-13 iso8859-13 iso885913"),
    ("ISO-8859-14", "iso8859-14", "iso-8859-14 iso8859-14 iso885914"),
    (
        "ISO-8859-15",
        "iso8859-15",
        "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9",
    ),
    ("ISO-8859-16", "iso8859-16", "iso-8859-16"),
    ("KOI8-R", "koi8-r", "cskoi8r koi koi8 koi8-r koi8_r"),
    ("KOI8-U", "koi8-u", "koi8-ru koi8-u"),
    ("macintosh", "mac-roman", "csmacintosh mac macintosh x-mac-roman"),
    ("windows-874", "cp874", "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"),
    ("windows-1250", "cp1250", "cp1250 windows-1250 x-cp1250"),
    ("windows-1251", "cp1251", "cp1251 windows-1251 x-cp1251"),
    (
        "windows-1252",
        "cp1252",
        "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 "
        "iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252",
    ),
    ("windows-1253", "cp1253", "cp1253 windows-1253 x-cp1253"),
    (
        "windows-1254",
        "cp1254",
        "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 "
        "l5 latin5 windows-1254 x-cp1254",
    ),
    ("windows-1255", "cp1255", "cp1255 windows-1255 x-cp1255"),
    ("windows-1256", "cp1256", "cp1256 windows-1256 x-cp1256"),
    ("windows-1257", "cp1257", "cp1257 windows-1257 x-cp1257"),
    ("windows-1258", "cp1258", "cp1258 windows-1258 x-cp1258"),
    ("x-mac-cyrillic", "mac-cyrillic", "x-mac-cyrillic x-mac-ukrainian"),
    (
        "GBK",
        "gb18030",
        "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk",
    ),
    ("gb18030", "gb18030", "gb18030"),
    ("Big5", "big5hkscs", "big5 big5-hkscs cn-big5 csbig5 x-x-big5"),
    ("EUC-JP", "euc_jp", "cseucpkdfmtjapanese euc-jp x-euc-jp"),
    ("ISO-2022-JP", "iso2022_jp", "csiso2022jp iso-2022-jp"),
    (
        "Shift_JIS",
        "cp932",
        "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    ),
    (
        "EUC-KR",
        "cp949",
        "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 "
        "ksc_5601 windows-949",
    ),
    # The standard's "replacement" encoding decodes a whole page to one U+FFFD: an error here.
    (
        "replacement",
        "",
        "csiso2022kr hz-gb-2312 iso-2022-cn iso-2022-cn-ext iso-2022-kr replacement",
    ),
    # A <meta> found by the prescan is in ASCII-compatible bytes, so the page cannot be UTF-16
    # (or x-user-defined): HTML reads those declarations as UTF-8 (and windows-1252).
    ("UTF-16BE", "utf-8", "unicodefffe utf-16be"),
    (
        "UTF-16LE",
        "utf-8",
        "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le",
    ),
    ("x-user-defined", "cp1252", "x-user-defined"),
)

LABELS: dict[str, tuple[str, str]] = {
    label: (name, codec) for name, codec, labels in _ENCODINGS for label in labels.split()
}
"""Each WHATWG label: the standard's name for its encoding, and the Python codec that reads it in
a page whose ``<meta>`` declares it ("" for the replacement encoding, which reads nothing)."""

_ASCII_SPACE = b"\t\n\x0c\r "


def decode(data: bytes, path: Path) -> tuple[str, TextOrigin]:
    """The page's text: by its byte order mark, else its ``<meta>`` declaration, else UTF-8."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], name, path), TextOrigin(encoding=name, had_bom=True)
    utf16 = looks_like_utf16(data)
    if utf16:
        raise TextEncodingError(
            f"the page looks like {utf16} without a byte order mark, which HTML cannot read",
            path=path,
            hint="save the page as UTF-8 (or as UTF-16 with a byte order mark) and try again",
        )
    label = prescan(data[:PRESCAN_BYTES])
    encoding = "utf-8" if label is None else codec_for(label, path)
    return _decode(data, encoding, path), TextOrigin(encoding=encoding, had_bom=False)


def codec_for(label: str, path: Path) -> str:
    """The Python codec that reads a page declaring ``label``.

    Labels the WHATWG table lists are read as it says. Reading leniently, a label it does not list
    but Python knows as a text encoding is read with Python's codec (a browser would ignore it).
    """
    known = LABELS.get(label.strip("\t\n\x0c\r ").lower())
    if known is not None:
        _, codec = known
        if not codec:
            raise TextEncodingError(
                f"the page declares the encoding {label!r}, which HTML does not decode",
                path=path,
                hint="save the page as UTF-8 and try again",
            )
        return codec
    try:
        codec = codecs.lookup(label).name
        b"<".decode("utf-8" if codec.startswith(("utf-16", "utf-32")) else codec)
    except (LookupError, ValueError):  # not a text encoding (rot13, base64), a NUL in the label
        raise TextEncodingError(
            f"the page declares an unknown encoding {label!r}",
            path=path,
            hint="save the page as UTF-8 and try again",
        ) from None
    if codec.startswith(("utf-16", "utf-32")):  # a <meta> was found in ASCII-compatible bytes
        return "utf-8"
    if not _reads_ascii(codec):  # utf-7, unicode_escape, punycode: the <meta> itself would change
        raise TextEncodingError(
            f"the page declares the encoding {label!r}, which HTML does not decode",
            path=path,
            hint="save the page as UTF-8 and try again",
        )
    if codec in ("ascii", "iso8859-1"):  # HTML reads ASCII and Latin-1 pages as windows-1252
        return "cp1252"
    return codec


_ASCII_PROBE = bytes(range(0x20, 0x5C)) + bytes(range(0x5D, 0x7F)) + b"\t\n\r \\x41 \\u0041 +AGE-"
"""Printable ASCII, and escapes that codecs which are not text encodings would turn into ``A``
(a lone backslash is left out: unicode_escape warns about it)."""


def _reads_ascii(codec: str) -> bool:
    """Whether ``codec`` reads printable ASCII as itself, as a page's ``<meta>`` needs."""
    try:
        return _ASCII_PROBE.decode(codec) == _ASCII_PROBE.decode("ascii")
    except (LookupError, ValueError):
        return False


def _decode(body: bytes, encoding: str, path: Path) -> str:
    try:
        return body.decode(encoding)
    except UnicodeError as error:  # a UnicodeDecodeError, or a codec's own complaint
        offset = getattr(error, "start", None)
        where = f"bad byte at offset {offset}" if offset is not None else "the bytes do not fit"
        raise TextEncodingError(
            f"cannot decode as {encoding}: {where}",
            path=path,
            hint="save the page as UTF-8 (or fix its <meta charset>) and try again",
        ) from error


def looks_like_utf16(data: bytes, sample: int = 4096) -> str:
    """``"UTF-16LE"`` or ``"UTF-16BE"`` when ``data`` looks like UTF-16 without a byte order mark.

    Markup is mostly ASCII, which UTF-16 writes with a NUL in every other byte: many NULs at odd
    offsets (little-endian) or at even ones (big-endian), and almost none at the others. Binary
    files have NULs at both; other text has none. Anything else gives ``""``.
    """
    head = data[:sample]
    even, odd = head[0::2], head[1::2]
    if len(odd) < 2:
        return ""
    even_nuls, odd_nuls = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nuls >= 0.3 and even_nuls <= 0.02:
        return "UTF-16LE"
    if even_nuls >= 0.3 and odd_nuls <= 0.02:
        return "UTF-16BE"
    return ""


class _EndOfInputError(Exception):
    """The prescan ran out of bytes in the middle of something: it gives up."""


def prescan(data: bytes) -> str | None:
    """The encoding label a page declares, found as HTML's encoding prescan finds it, or None.

    Comments, other tags and their attributes are stepped over, so a ``<meta>`` inside a comment
    or an attribute value does not count. The first ``<meta>`` whose label the WHATWG table lists
    wins; when none does, the first label declared at all (so an unknown one can be reported).
    """
    unknown: str | None = None
    position = 0
    size = len(data)
    try:
        while position < size:
            if data.startswith(b"<!--", position):
                end = data.find(b"-->", position + 2)  # "<!-->" is a whole comment
                if end < 0:
                    return unknown
                position = end + 3
                continue
            if data[position : position + 5].lower() == b"<meta" and (
                position + 5 < size and data[position + 5] in _ASCII_SPACE + b"/"
            ):
                position, label = _meta(data, position + 6)
                if label is not None:
                    if _listed(label):
                        return label
                    unknown = unknown or label
                continue
            if data.startswith(b"<", position) and _tag_starts(data, position + 1):
                position += 1
                while position < size and data[position] not in _ASCII_SPACE + b">":
                    position += 1
                while True:
                    position, attribute = _attribute(data, position)
                    if attribute is None:
                        break
                continue
            if data[position : position + 2] in (b"<!", b"</", b"<?"):
                end = data.find(b">", position + 2)
                if end < 0:
                    return unknown
                position = end + 1
                continue
            position += 1
    except _EndOfInputError:
        pass
    return unknown


def _tag_starts(data: bytes, position: int) -> bool:
    """Whether a start tag (a letter) or an end tag ("/" and a letter) begins at ``position``."""
    if data.startswith(b"/", position):
        position += 1
    return data[position : position + 1].isalpha()


def _meta(data: bytes, position: int) -> tuple[int, str | None]:
    """Read a ``<meta>``'s attributes from ``position``: where the prescan goes on, and its label.

    The label is one the WHATWG table lists, or, when the ``<meta>`` declares only a label it does
    not list, that label (the prescan skips it but remembers it).
    """
    seen: set[str] = set()
    got_pragma = False
    need_pragma: bool | None = None
    charset: str | None = None
    unlisted: str | None = None  # a Content-Type's charset that the table does not list
    while True:
        position, attribute = _attribute(data, position)
        if attribute is None:
            break
        name, value = attribute
        if name in seen:
            continue
        seen.add(name)
        if name == "http-equiv":
            got_pragma = got_pragma or value == "content-type"
        elif name == "content":
            found = _charset_in_content(value)
            if found is not None and charset is None:
                if _listed(found):
                    charset, need_pragma = found, True
                else:
                    unlisted = unlisted or found
        elif name == "charset":
            charset, need_pragma = value, False
    if charset is None and unlisted is not None and got_pragma:
        return position, unlisted
    if need_pragma is None or (need_pragma and not got_pragma) or not charset:
        return position, None
    return position, charset.strip("\t\n\x0c\r ") or None


def _attribute(data: bytes, position: int) -> tuple[int, tuple[str, str] | None]:
    """HTML's "get an attribute": the next attribute's name and value (lower case), or None."""
    size = len(data)

    def at(index: int) -> int:
        if index >= size:
            raise _EndOfInputError
        return data[index]

    while at(position) in _ASCII_SPACE or at(position) == ord("/"):
        position += 1
    if at(position) == ord(">"):
        return position, None
    name = bytearray()
    while True:  # the name
        byte = at(position)
        if byte == ord("=") and name:
            position += 1
            break
        if byte in _ASCII_SPACE:
            while at(position) in _ASCII_SPACE:
                position += 1
            if at(position) != ord("="):
                return position, (_lower(name), "")
            position += 1
            break
        if byte in b"/>":
            return position, (_lower(name), "")
        name.append(byte)
        position += 1
    while at(position) in _ASCII_SPACE:
        position += 1
    value = bytearray()
    quote = at(position)
    if quote in b"\"'":
        position += 1
        while at(position) != quote:
            value.append(at(position))
            position += 1
        return position + 1, (_lower(name), _lower(value))
    if quote == ord(">"):
        return position, (_lower(name), "")
    while at(position) not in _ASCII_SPACE and at(position) != ord(">"):
        value.append(at(position))
        position += 1
    return position, (_lower(name), _lower(value))


def _listed(label: str) -> bool:
    return label.strip("\t\n\x0c\r ").lower() in LABELS


def _lower(raw: bytearray) -> str:
    return raw.decode("latin-1").translate(_ASCII_LOWER)


_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def _charset_in_content(content: str) -> str | None:
    """HTML's "extract a character encoding from a meta element" (a Content-Type's charset)."""
    position = 0
    while True:
        found = content.find("charset", position)  # the value is already lower case
        if found < 0:
            return None
        position = found + len("charset")
        rest = content[position:].lstrip("\t\n\x0c\r ")
        if rest.startswith("="):
            break
    rest = rest[1:].lstrip("\t\n\x0c\r ")
    if rest[:1] in ("'", '"'):
        end = rest.find(rest[0], 1)
        return rest[1:end] if end > 0 else None
    value = rest
    for index, char in enumerate(rest):
        if char in "\t\n\x0c\r ;":
            value = rest[:index]
            break
    return value or None

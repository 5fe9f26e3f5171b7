"""The fast path of reading: a text source's selections in the common shape, read as columns.

Most files give each ``PlainTextSelection`` exactly one ``Coding`` with one ``CodeRef`` and
nothing else but perhaps an empty ``Description`` (NVivo's way, and qualcode's). For such a
source a few compiled XPath queries pull each attribute out of all its selections at once, in C,
as lists in document order: no Python object per element, no record per selection. Anything
unusual (notes, a description with text, several codings, an attribute that some selections
have and others lack, a position that is not a whole number) makes :func:`read_block` return
None, and the source is read element by element as before, with the same results (a test reads
files both ways and compares)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from lxml import etree

from qualcode.formats.refiqda.xml import Element, guid_of, parse_datetime
from qualcode.model import new_id


@attrs.define(slots=True)
class SelectionBlock:
    """Plain-text selections of one source with one coding each, as parallel columns.

    Positions are still in the producer's unit; ``created`` is the coding's time, else the
    selection's; ``coder_ids`` the coding's user, else the selection's. ``modified_by`` and
    ``modified_at`` are who last changed each selection and when, and ``selected_by`` and
    ``selected_at`` who made each selection and when where its coding says otherwise; each is
    None where no selection of the block has one.
    """

    selection_ids: list[str]
    names: list[str]
    starts: list[int]
    ends: list[int]
    coding_ids: list[str]
    code_ids: list[str]
    coder_ids: list[str | None]
    created: list[dt.datetime | None]
    modified_by: list[str | None] | None = None
    modified_at: list[dt.datetime | None] | None = None
    selected_by: list[str | None] | None = None
    selected_at: list[dt.datetime | None] | None = None

    def __len__(self) -> int:
        return len(self.starts)


class _Queries:
    """The compiled queries for one namespace (or none)."""

    def __init__(self, namespace: str) -> None:
        namespaces = {"q": namespace} if namespace else None
        p = "q:" if namespace else ""
        sel = f"{p}PlainTextSelection"
        coding = f"{sel}/{p}Coding"
        own = "q:*" if namespace else "*[namespace-uri()='']"  # children in the source's namespace

        def query(expression: str) -> Any:
            return etree.XPath(expression, namespaces=namespaces, smart_strings=False)

        self.count = query(f"count({sel})")
        # each selection holds one Coding and maybe blank Descriptions (NVivo writes an empty
        # one), nothing else; each Coding one CodeRef; no selection hides in another namespace
        self.simple = query(
            f"count(*) = count({own})"
            f" and not({sel}[count({p}Coding) != 1 or count(*) != 1 + count({p}Description)])"
            f" and not({sel}/{p}Description[normalize-space(.) != ''])"
            f" and not({coding}[count(*) != 1]) and count({coding}/{p}CodeRef) = count({sel})"
        )
        self.any_changed = query(f"boolean({sel}/@modifiedDateTime | {sel}/@modifyingUser)")
        self.selection = {
            name: query(f"{sel}/@{name}")
            for name in (
                "guid",
                "name",
                "startPosition",
                "endPosition",
                "creatingUser",
                "modifyingUser",
                "modifiedDateTime",
            )
        }
        self.selection_created = query(f"{sel}/@creationDateTime")
        self.coding = {name: query(f"{coding}/@{name}") for name in ("guid", "creatingUser")}
        self.coding_created = query(f"{coding}/@creationDateTime")
        self.code_ref = query(f"{coding}/{p}CodeRef/@targetGUID")


_QUERIES: dict[str, _Queries] = {}


def _queries(element: Element) -> _Queries:
    tag: object = element.tag
    namespace = tag[1:].partition("}")[0] if isinstance(tag, str) and tag[:1] == "{" else ""
    found = _QUERIES.get(namespace)
    if found is None:
        found = _QUERIES[namespace] = _Queries(namespace)
    return found


def _column(values: list[str], count: int) -> list[str] | None:
    """``values`` when every selection had the attribute, [] when none had it, else None."""
    if len(values) == count or not values:
        return values
    return None


def _canonical(values: list[str]) -> bool:
    """Whether every GUID is already canonical (36 characters, lower case), checked in C."""
    if not values:
        return True
    if set(map(len, values)) != {36}:
        return False
    joined = "".join(values)
    if joined.isascii():  # then bytes.islower() answers as str.islower() would, faster
        return joined.encode("ascii").islower()
    return joined.islower()


def _block_ids(
    selection_ids: list[str], coding_ids: list[str], count: int
) -> tuple[list[str], list[str]]:
    """Canonical selection and coding GUIDs; a blank one becomes a new GUID, made in the order
    the element-wise reader makes them (each coding's, then its selection's)."""
    if selection_ids and coding_ids and _canonical(selection_ids) and _canonical(coding_ids):
        return selection_ids, coding_ids
    selections: list[str] = []
    codings: list[str] = []
    for index in range(count):
        coding = coding_ids[index] if coding_ids else ""
        codings.append(guid_of(coding) if coding.strip() else new_id())
        selection = selection_ids[index] if selection_ids else ""
        selections.append(guid_of(selection) if selection else new_id())
    return selections, codings


def _shared_guids(values: list[str], shared: dict[str, str]) -> list[str]:
    """Canonical GUIDs, equal ones sharing one string."""
    if not _canonical(values):
        values = [guid_of(value) for value in values]
    return list(map(shared.setdefault, values, values))


def read_block(element: Element, shared: dict[str, str]) -> SelectionBlock | None:
    """The selections of a TextSource-like ``element`` as a block, or None to read them slowly.

    ``shared`` interns code and coder GUIDs so equal ones share one string.
    """
    queries = _queries(element)
    count = int(queries.count(element))
    if count == 0 or not queries.simple(element):
        return None

    def column(query: Any) -> list[str] | None:
        return _column(query(element), count)

    code_ids = queries.code_ref(element)
    starts_text = column(queries.selection["startPosition"])
    ends_text = column(queries.selection["endPosition"])
    selection_ids = column(queries.selection["guid"])
    names = column(queries.selection["name"])
    coding_ids = column(queries.coding["guid"])
    coding_users = column(queries.coding["creatingUser"])
    coding_times = column(queries.coding_created)
    if (
        len(code_ids) != count
        or not starts_text
        or ends_text is None
        or selection_ids is None
        or names is None
        or coding_ids is None
        or coding_users is None
        or coding_times is None
        or not all(map(str.strip, code_ids))
    ):
        return None
    try:
        starts = list(map(int, starts_text))
        ends = list(map(int, ends_text)) if ends_text else starts[:]
    except ValueError:
        return None
    # a selection's user and time stand for its coding's where that has none (or an unreadable
    # one), and are kept apart where the coding has its own and they differ
    # (two columns cost less than asking libxml2 whether any selection differs from its coding)
    selection_users = column(queries.selection["creatingUser"])
    selection_times = column(queries.selection_created)
    if selection_users is None or selection_times is None:
        return None
    coders: list[str | None]
    if coding_users and all(map(str.strip, coding_users)):
        coders = list(_shared_guids(coding_users, shared))
    else:
        coders = _coders(coding_users, selection_users, count, shared)
    created = _all_times(coding_times)
    if created is None:
        created = _times(coding_times, selection_times, count)
    modifiers: list[str] | None = []
    modified_times: list[str] | None = []
    if queries.any_changed(element):
        modifiers = column(queries.selection["modifyingUser"])
        modified_times = column(queries.selection["modifiedDateTime"])
        if modifiers is None or modified_times is None:
            return None
    selection_ids, coding_ids = _block_ids(selection_ids, coding_ids, count)
    return SelectionBlock(
        selection_ids=selection_ids,
        names=names or [""] * count,
        starts=starts,
        ends=ends,
        coding_ids=coding_ids,
        code_ids=_shared_guids(code_ids, shared),
        coder_ids=coders,
        created=created,
        modified_by=_modifiers(modifiers, shared) if modifiers else None,
        modified_at=_modified_times(modified_times) if modified_times else None,
        selected_by=_other_users(coding_users, selection_users, shared),
        selected_at=_other_times(coding_times, selection_times),
    )


def _other_users(
    coding_users: list[str], selection_users: list[str], shared: dict[str, str]
) -> list[str | None] | None:
    """Each selection's user where its coding names another one; None when none does."""
    if not coding_users or not selection_users or coding_users == selection_users:
        return None
    found: list[str | None] = []
    for own, outer in zip(coding_users, selection_users, strict=True):
        other = None
        if own.strip() and outer.strip():
            outer_guid = guid_of(outer)
            if guid_of(own) != outer_guid:
                other = shared.setdefault(outer_guid, outer_guid)
        found.append(other)
    return found if any(value is not None for value in found) else None


def _other_times(
    coding_times: list[str], selection_times: list[str]
) -> list[dt.datetime | None] | None:
    """Each selection's time where its coding has another readable one; None when none has."""
    if not coding_times or not selection_times or coding_times == selection_times:
        return None
    found: list[dt.datetime | None] = []
    for own, outer in zip(coding_times, selection_times, strict=True):
        mine = parse_datetime(own) if own else None
        theirs = parse_datetime(outer) if outer else None
        found.append(theirs if mine is not None and theirs is not None and mine != theirs else None)
    return found if any(value is not None for value in found) else None


def _modifiers(values: list[str], shared: dict[str, str]) -> list[str | None]:
    """Who last changed each selection: canonical and shared GUIDs, None where blank."""
    if all(map(str.strip, values)):
        return list(_shared_guids(values, shared))
    result: list[str | None] = []
    for value in values:
        guid = guid_of(value) if value.strip() else None
        result.append(None if guid is None else shared.setdefault(guid, guid))
    return result


def _modified_times(values: list[str]) -> list[dt.datetime | None]:
    """When each selection was last changed (None where blank or unreadable)."""
    try:
        return list(map(dt.datetime.fromisoformat, values))
    except ValueError:
        return [parse_datetime(value) if value else None for value in values]


def _coders(
    coding_users: list[str], selection_users: list[str], count: int, shared: dict[str, str]
) -> list[str | None]:
    """The coding's user, else the selection's, canonical and shared."""
    if not coding_users and selection_users and all(selection_users):
        return list(_shared_guids(selection_users, shared))
    result: list[str | None] = []
    first = coding_users or [""] * count
    second = selection_users or [""] * count
    for own, outer in zip(first, second, strict=True):
        value = guid_of(own) if own and own.strip() else (guid_of(outer) if outer else None)
        result.append(None if value is None else shared.setdefault(value, value))
    return result


def _all_times(coding_times: list[str]) -> list[dt.datetime | None] | None:
    """Every coding's time, when each coding has a readable one (parsed in C), else None."""
    if not coding_times:
        return None
    try:
        return list(map(dt.datetime.fromisoformat, coding_times))
    except ValueError:
        return None


def _times(
    coding_times: list[str], selection_times: list[str], count: int
) -> list[dt.datetime | None]:
    """The coding's creation time, else the selection's (unreadable ones are None)."""
    if not coding_times and not selection_times:
        return [None] * count
    if not coding_times:
        try:  # every selection's time readable as it is, parsed in C
            return list(map(dt.datetime.fromisoformat, selection_times))
        except ValueError:
            pass
    parsed: dict[str, dt.datetime | None] = {}
    result: list[dt.datetime | None] = []
    first = coding_times or [""] * count
    second = selection_times or [""] * count
    for own, outer in zip(first, second, strict=True):
        value = None
        if own:
            value = parsed.get(own)
            if value is None:
                value = parsed[own] = parse_datetime(own)
        if value is None and outer:
            value = parsed.get(outer)
            if value is None:
                value = parsed[outer] = parse_datetime(outer)
        result.append(value)
    return result

"""OAI-PMH 2.0 over the publication log: the six verbs, sets from collections, deleted records.

The records are the items the activity log knows, each in its last state: published (with its
``oai_dc`` metadata) or withdrawn (a header with ``status="deleted"``, kept for ever:
``deletedRecord=persistent``). A record's datestamp is the time of its last event.

Lists are ordered by the position of each item's last event in the log, and a resumption token
carries the filters and the position of the last record sent, nothing else: tokens are
stateless, never expire, and an item that changes during a harvest moves to the end of the
list, where the harvester meets it again rather than missing it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from lxml import etree

from heritage import activity
from heritage.activity import Event
from heritage.harvest.oai_dc import OAI_DC_NS, OAI_DC_SCHEMA, XSI_NS, dublin_core, xml_text
from heritage.store import Store

PAGE_SIZE = 100  # records or headers per response; tests lower it to page through a few items
OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
METADATA_PREFIX = "oai_dc"

_VERB_ARGUMENTS: dict[str, tuple[set[str], set[str], str | None]] = {
    # verb: (required, optional, exclusive)
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_TOKEN_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,1000}$")
_SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+$")  # metadataPrefix and (flat) setSpec, as the XSD has them


class OAIError(Exception):
    """A request the protocol answers with an ``error`` element (HTTP 200), not a failure of ours."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def oai_url(base: str) -> str:
    return f"{base}/oai"


def oai_identifier(base: str, item_id: str) -> str:
    """``oai:<host>:<item>``, the OAI identifier scheme with our host as the namespace."""
    return f"oai:{urlsplit(base).hostname or 'localhost'}:{item_id}"


@dataclass(frozen=True)
class Repository:
    """What the protocol needs to know about this library, and where its records come from."""

    base_url: str
    name: str
    admin_email: str
    store: Store
    events: Callable[[], list[Event]]  # the activity log, oldest first

    @property
    def oai_url(self) -> str:
        return oai_url(self.base_url)

    def identifier(self, item_id: str) -> str:
        return oai_identifier(self.base_url, item_id)

    def item_id(self, identifier: str) -> str:
        prefix = self.identifier("")
        return identifier[len(prefix) :] if identifier.startswith(prefix) else ""


@dataclass(frozen=True)
class Query:
    """The filters of a list request, and how far the harvester has come (a log position)."""

    prefix: str
    start: str = ""  # from, as TIME_FORMAT; "" for no bound
    until: str = ""
    set: str = ""
    after: int = -1  # seq of the last record already sent

    def matches(self, event: Event) -> bool:
        return (
            (not self.start or event.time >= self.start)
            and (not self.until or event.time <= self.until)
            and (not self.set or event.collection == self.set)
        )


def respond(repo: Repository, args: Sequence[tuple[str, str]], now: datetime) -> bytes:
    """The complete response document for a request's arguments, GET or POST alike."""
    try:
        verb, params = parse_arguments(args)
    except OAIError as e:
        return _document(repo, now, {}, [_error(e)])  # no attributes echoed for badVerb/badArgument
    try:
        body = _VERBS[verb](repo, params)
    except OAIError as e:
        body = [_error(e)]
    return _document(repo, now, {"verb": verb, **params}, body)


def parse_arguments(args: Sequence[tuple[str, str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments, checked against what the verb allows."""
    verbs = [value for key, value in args if key == "verb"]
    if len(verbs) != 1 or verbs[0] not in _VERB_ARGUMENTS:
        raise OAIError("badVerb", "the verb is missing, repeated or not an OAI-PMH verb")
    verb = verbs[0]
    required, optional, exclusive = _VERB_ARGUMENTS[verb]
    params: dict[str, str] = {}
    for key, value in args:
        if key == "verb":
            continue
        if key not in required | optional | {exclusive}:
            raise OAIError("badArgument", f"{verb} does not take the argument {key!r}")
        if key in params:
            raise OAIError("badArgument", f"the argument {key!r} is repeated")
        if not value:
            raise OAIError("badArgument", f"the argument {key!r} is empty")
        params[key] = value
    if exclusive in params:
        if len(params) > 1:
            raise OAIError("badArgument", f"{exclusive} is an exclusive argument")
        return verb, params
    missing = sorted(required - set(params))
    if missing:
        raise OAIError("badArgument", f"{verb} needs the argument {missing[0]!r}")
    for key in ("metadataPrefix", "set"):
        if key in params and not _SPEC.match(params[key]):
            raise OAIError("badArgument", f"{key} {params[key]!r} is not a valid value")
    _bounds(params)
    return verb, params


def _bounds(params: dict[str, str]) -> tuple[str, str]:
    """``from`` and ``until`` as inclusive UTC times to the second; days widen to the whole day."""
    start, until = params.get("from", ""), params.get("until", "")
    for value in (start, until):
        if value and not (_DAY.match(value) or _SECOND.match(value)):
            raise OAIError("badArgument", f"{value!r} is not a UTC datestamp (YYYY-MM-DD or {GRANULARITY})")
    if start and until and len(start) != len(until):
        raise OAIError("badArgument", "from and until must have the same granularity")
    start = _moment(start, "T00:00:00Z")
    until = _moment(until, "T23:59:59Z")
    if start and until and start > until:
        raise OAIError("badArgument", "from is later than until")
    return start, until


def _moment(value: str, day_time: str) -> str:
    if not value:
        return ""
    moment = value + day_time if _DAY.match(value) else value
    try:
        datetime.strptime(moment, activity.TIME_FORMAT)
    except ValueError:
        raise OAIError("badArgument", f"{value!r} is not a real date") from None
    return moment


# -- resumption tokens -------------------------------------------------------------------


def encode_token(query: Query) -> str:
    raw = json.dumps([query.prefix, query.start, query.until, query.set, query.after], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(token: str) -> Query:
    """A token back into its query; anything we did not write is a badResumptionToken."""
    try:
        if not _TOKEN_SAFE.match(token):
            raise ValueError(token)
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        prefix, start, until, set_spec, after = raw
        if not (all(isinstance(v, str) for v in (prefix, start, until, set_spec)) and type(after) is int):
            raise ValueError(token)
        query = Query(prefix, start, until, set_spec, after)
        if encode_token(query) != token or prefix != METADATA_PREFIX:
            raise ValueError(token)
        _bounds({k: v for k, v in (("from", start), ("until", until)) if v})
    except (ValueError, TypeError, binascii.Error, OAIError):
        raise OAIError("badResumptionToken", "the resumption token is not one this repository issued") from None
    return query


# -- verbs -------------------------------------------------------------------------------


def _oai(name: str) -> str:
    return f"{{{OAI_NS}}}{name}"


def _element(parent: etree._Element, name: str, text: str = "", **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, _oai(name), attributes)
    if text:
        element.text = xml_text(text)
    return element


def _identify(repo: Repository, params: dict[str, str]) -> list[etree._Element]:
    logged = repo.events()
    identify = etree.Element(_oai("Identify"))
    _element(identify, "repositoryName", repo.name)
    _element(identify, "baseURL", repo.oai_url)
    _element(identify, "protocolVersion", "2.0")
    _element(identify, "adminEmail", repo.admin_email)
    earliest = logged[0].time if logged else datetime.now(UTC).strftime(activity.TIME_FORMAT)
    _element(identify, "earliestDatestamp", earliest)
    _element(identify, "deletedRecord", "persistent")
    _element(identify, "granularity", GRANULARITY)
    return [identify]


def _list_metadata_formats(repo: Repository, params: dict[str, str]) -> list[etree._Element]:
    if "identifier" in params:
        _record_event(repo, params["identifier"])
    formats = etree.Element(_oai("ListMetadataFormats"))
    fmt = _element(formats, "metadataFormat")
    _element(fmt, "metadataPrefix", METADATA_PREFIX)
    _element(fmt, "schema", OAI_DC_SCHEMA)
    _element(fmt, "metadataNamespace", OAI_DC_NS)
    return [formats]


def _list_sets(repo: Repository, params: dict[str, str]) -> list[etree._Element]:
    if "resumptionToken" in params:
        raise OAIError("badResumptionToken", "ListSets is never split: there is no token to resume")
    slugs = sorted({e.collection for e in repo.events() if e.collection})
    if not slugs:
        raise OAIError("noSetHierarchy", "no collection has been published yet")
    names = {c.slug: c.name for c in repo.store.collections()}
    sets = etree.Element(_oai("ListSets"))
    for slug in slugs:
        entry = _element(sets, "set")
        _element(entry, "setSpec", slug)
        _element(entry, "setName", names.get(slug, slug))
    return [sets]


def _get_record(repo: Repository, params: dict[str, str]) -> list[etree._Element]:
    event = _record_event(repo, params["identifier"])
    _check_prefix(params["metadataPrefix"])
    wrapper = etree.Element(_oai("GetRecord"))
    wrapper.append(_record(repo, event))
    return [wrapper]


def _list_identifiers(repo: Repository, params: dict[str, str]) -> list[etree._Element]:
    return _list(repo, params, "ListIdentifiers", lambda e: _header(repo, e))


def _list_records(repo: Repository, params: dict[str, str]) -> list[etree._Element]:
    return _list(repo, params, "ListRecords", lambda e: _record(repo, e))


_VERBS: dict[str, Callable[[Repository, dict[str, str]], list[etree._Element]]] = {
    "Identify": _identify,
    "ListMetadataFormats": _list_metadata_formats,
    "ListSets": _list_sets,
    "GetRecord": _get_record,
    "ListIdentifiers": _list_identifiers,
    "ListRecords": _list_records,
}


# -- lists -------------------------------------------------------------------------------


def _query(params: dict[str, str]) -> Query:
    if "resumptionToken" in params:
        return decode_token(params["resumptionToken"])
    _check_prefix(params["metadataPrefix"])
    start, until = _bounds(params)
    return Query(params["metadataPrefix"], start, until, params.get("set", ""))


def _list(
    repo: Repository, params: dict[str, str], name: str, render: Callable[[Event], etree._Element]
) -> list[etree._Element]:
    query = _query(params)
    matching = sorted((e for e in activity.latest(repo.events()).values() if query.matches(e)), key=lambda e: e.seq)
    remaining = [e for e in matching if e.seq > query.after]
    if not remaining:
        raise OAIError("noRecordsMatch", "no record matches these arguments")
    page = remaining[:PAGE_SIZE]
    wrapper = etree.Element(_oai(name))
    for event in page:
        wrapper.append(render(event))
    cursor = str(len(matching) - len(remaining))
    size = str(len(matching))
    if len(remaining) > len(page):
        token = encode_token(replace(query, after=page[-1].seq))
        _element(wrapper, "resumptionToken", token, completeListSize=size, cursor=cursor)
    elif query.after >= 0:  # the last part of a split list ends with an empty token
        _element(wrapper, "resumptionToken", completeListSize=size, cursor=cursor)
    return [wrapper]


# -- records -----------------------------------------------------------------------------


def _check_prefix(prefix: str) -> None:
    if prefix != METADATA_PREFIX:
        raise OAIError("cannotDisseminateFormat", f"records are available as {METADATA_PREFIX} only")


def _record_event(repo: Repository, identifier: str) -> Event:
    event = activity.latest(repo.events()).get(repo.item_id(identifier))
    if event is None:
        raise OAIError("idDoesNotExist", "no record has this identifier")
    return event


def _header(repo: Repository, event: Event) -> etree._Element:
    header = etree.Element(_oai("header"))
    if event.kind not in activity.LIVE:
        header.set("status", "deleted")
    _element(header, "identifier", repo.identifier(event.item_id))
    _element(header, "datestamp", event.time)
    if event.collection:
        _element(header, "setSpec", event.collection)
    return header


def _record(repo: Repository, event: Event) -> etree._Element:
    record = etree.Element(_oai("record"))
    record.append(_header(repo, event))
    if event.kind in activity.LIVE:
        metadata = _element(record, "metadata")
        metadata.append(dublin_core(repo.base_url, repo.store.load_item(event.item_id)))
    return record


# -- envelope ----------------------------------------------------------------------------


def _error(error: OAIError) -> etree._Element:
    element = etree.Element(_oai("error"), code=error.code)
    element.text = xml_text(error.message)
    return element


def _document(repo: Repository, now: datetime, request: dict[str, str], body: list[etree._Element]) -> bytes:
    root = etree.Element(_oai("OAI-PMH"), nsmap={None: OAI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
    _element(root, "responseDate", activity.utc(now))
    _element(root, "request", repo.oai_url, **{k: xml_text(v) for k, v in request.items()})
    root.extend(body)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))

"""OAI-PMH harvested by a real client (sickle) from a live server over a small library built by real workers.

Every response any test receives is validated against the OAI-PMH 2.0 + oai_dc XSD.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import xmlschema
from lxml import etree
from PIL import Image, ImageDraw
from sickle import Sickle
from sickle.oaiexceptions import IdDoesNotExist, NoRecordsMatch

from heritage import activity
from heritage.config import Config
from heritage.harvest import oai
from heritage.store import Store
from heritage.web.app import create_app
from tests.conftest import (
    SCHEMAS,
    TEST_DB,
    LiveServer,
    _require_redis,
    environment,
    free_port,
    heritage_cli,
    running_workers,
    tree,
    wait_until_settled,
)

SCHEMA = xmlschema.XMLSchema(str(SCHEMAS / "oai" / "oai_all.xsd"))
NS = {"oai": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}
HOSTILE_TITLE = "Gwerz <script>alert('x')</script> & ]]> \"Sko\ufffelan\""  # U+FFFE: not allowed in XML
HOSTILE_DESCRIPTION = "Kan ha diskan — c'hoari, ñ, &amp; 🎶 <![CDATA[x]]>"
GWERZ = {
    "title": HOSTILE_TITLE,
    "creator": ["Th. Hersart de La Villemarqué"],
    "date": "1846",
    "publisher": ["Delloye"],
    "language": "br",
    "type": "Text",
    "subject": ["gwerz", "<b>kanaouennoù</b>"],
    "source": "Barzaz Breiz, 1846",
    "rights": "https://creativecommons.org/publicdomain/mark/1.0/",
    "description": HOSTILE_DESCRIPTION,
}
KELEIER = {"title": "Keleier", "language": ["br", "fr"], "rights": "http://creativecommons.org/licenses/by/4.0/"}
WITHDRAWN = {"title": "Da dennañ kuit"}


def item_folder(root: Path, name: str, metadata: dict[str, Any], words: str = "Kenavo ar c'hentañ") -> Path:
    """One small page of printed-looking text (quick for Tesseract) and its metadata.json."""
    folder = root / name
    folder.mkdir(parents=True)
    image = Image.new("L", (640, 160), 255)
    ImageDraw.Draw(image).text((20, 60), words, fill=0, font_size=36)
    image.save(folder / "page-1.png")
    (folder / "metadata.json").write_text(json.dumps(metadata, ensure_ascii=False))
    return folder


def ingest(env: dict[str, str], folder: Path, collection: str = "") -> str:
    args = ["ingest", str(folder)] + (["--collection", collection] if collection else [])
    result = heritage_cli(args, env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\t")[0]


def withdraw(env: dict[str, str], item_id: str) -> None:
    result = heritage_cli(["withdraw", item_id], env)
    assert result.returncode == 0, result.stderr


class Harvest:
    def __init__(self, server: LiveServer, store: Store, items: dict[str, str]) -> None:
        self.server = server
        self.store = store
        self.items = items  # gwerz, keleier, withdrawn -> item id
        self.oai = f"{server.url}/oai"

    def identifier(self, name: str) -> str:
        return oai.oai_identifier(self.server.url, self.items[name])


@pytest.fixture(scope="module")
def harvest(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harvest]:
    """Three items published by real workers, one of them then withdrawn, served live."""
    redis = _require_redis(TEST_DB)
    redis.flushdb()
    root = tmp_path_factory.mktemp("oai")
    port = free_port()
    env = environment(root / "data", TEST_DB, f"http://127.0.0.1:{port}")
    store = Store(root / "data")
    with running_workers(env):
        items = {
            "gwerz": ingest(env, item_folder(root, "gwerz", GWERZ), "Barzaz Breiz"),
            "keleier": ingest(env, item_folder(root, "keleier", KELEIER), "Keleier"),
            "withdrawn": ingest(env, item_folder(root, "withdrawn", WITHDRAWN)),
        }
        wait_until_settled(store, items.values(), timeout=600)
    withdraw(env, items["withdrawn"])
    with LiveServer(create_app(Config.from_env(env)), port) as server:
        yield Harvest(server, store, items)
    redis.flushdb()


class CheckedSickle(Sickle):
    """sickle, with every raw response checked against the XSD before sickle parses it."""

    def __init__(self, endpoint: str, **kwargs: Any) -> None:
        super().__init__(endpoint, **kwargs)
        self.requests = 0

    def _request(self, kwargs: dict[str, str]) -> Any:
        response = super()._request(kwargs)
        SCHEMA.validate(io.BytesIO(response.content))
        self.requests += 1
        return response


def get(url: str, **params: str) -> etree._Element:
    return checked(httpx.get(url, params=params, timeout=30))


def checked(response: httpx.Response) -> etree._Element:
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    SCHEMA.validate(io.BytesIO(response.content))
    return etree.fromstring(response.content)


def error_code(document: etree._Element) -> str:
    return str(document.find("oai:error", NS).get("code"))


# -- harvesting ---------------------------------------------------------------------------


def test_a_sickle_harvest_gets_every_published_item_and_sees_the_withdrawal(harvest: Harvest) -> None:
    client = CheckedSickle(harvest.oai)
    records = {r.header.identifier: r for r in client.ListRecords(metadataPrefix="oai_dc")}
    assert set(records) == {harvest.identifier(name) for name in ("gwerz", "keleier", "withdrawn")}
    deleted = records[harvest.identifier("withdrawn")]
    assert deleted.deleted and deleted.header.deleted
    gwerz = records[harvest.identifier("gwerz")].metadata
    assert gwerz["title"] == [HOSTILE_TITLE.replace("\ufffe", "")]  # markup survives as text; only U+FFFE goes
    assert gwerz["description"] == [HOSTILE_DESCRIPTION]
    assert gwerz["subject"] == ["gwerz", "<b>kanaouennoù</b>"]
    assert gwerz["creator"] == ["Th. Hersart de La Villemarqué"]
    assert gwerz["date"] == ["1846"] and gwerz["publisher"] == ["Delloye"] and gwerz["type"] == ["Text"]
    assert gwerz["source"] == ["Barzaz Breiz, 1846"]
    assert gwerz["language"] == ["br"]
    assert gwerz["rights"] == ["http://creativecommons.org/publicdomain/mark/1.0/"]
    item_url, manifest_url = gwerz["identifier"]
    assert item_url == f"{harvest.server.url}/items/{harvest.items['gwerz']}"
    assert httpx.get(item_url, timeout=30).status_code == 200
    assert httpx.get(manifest_url, timeout=30).json()["id"] == manifest_url
    assert gwerz["relation"] == [f"{harvest.server.url}/iiif/collection/barzaz-breiz"]
    keleier = records[harvest.identifier("keleier")].metadata
    assert keleier["language"] == ["br", "fr"]
    assert keleier["rights"] == ["http://creativecommons.org/licenses/by/4.0/"]


def test_ignoring_deletions_leaves_only_what_is_published(harvest: Harvest) -> None:
    headers = list(CheckedSickle(harvest.oai).ListIdentifiers(metadataPrefix="oai_dc", ignore_deleted=True))
    assert {h.identifier for h in headers} == {harvest.identifier("gwerz"), harvest.identifier("keleier")}


def test_a_deleted_record_is_a_header_with_its_set_and_no_metadata(harvest: Harvest) -> None:
    document = get(harvest.oai, verb="GetRecord", metadataPrefix="oai_dc", identifier=harvest.identifier("withdrawn"))
    record = document.find("oai:GetRecord/oai:record", NS)
    assert record.find("oai:header", NS).get("status") == "deleted"
    assert record.find("oai:metadata", NS) is None


def test_resumption_tokens_page_through_the_list(harvest: Harvest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oai, "PAGE_SIZE", 1)
    client = CheckedSickle(harvest.oai)
    identifiers = [h.identifier for h in client.ListIdentifiers(metadataPrefix="oai_dc")]
    assert len(identifiers) == len(set(identifiers)) == 3
    assert client.requests == 3
    first = get(harvest.oai, verb="ListRecords", metadataPrefix="oai_dc")
    token = first.find("oai:ListRecords/oai:resumptionToken", NS)
    assert (token.get("completeListSize"), token.get("cursor")) == ("3", "0")
    second = get(harvest.oai, verb="ListRecords", resumptionToken=token.text)
    token = second.find("oai:ListRecords/oai:resumptionToken", NS)
    assert (token.get("completeListSize"), token.get("cursor")) == ("3", "1")
    last = get(harvest.oai, verb="ListRecords", resumptionToken=token.text)
    token = last.find("oai:ListRecords/oai:resumptionToken", NS)
    assert (token.text, token.get("completeListSize"), token.get("cursor")) == (None, "3", "2")
    assert last.find("oai:request", NS).get("resumptionToken")  # echoed: a valid request


def test_a_complete_list_in_one_response_has_no_token(harvest: Harvest) -> None:
    document = get(harvest.oai, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert len(document.findall("oai:ListIdentifiers/oai:header", NS)) == 3
    assert document.find("oai:ListIdentifiers/oai:resumptionToken", NS) is None


def test_sets_are_the_collections_and_filter_the_lists(harvest: Harvest) -> None:
    client = CheckedSickle(harvest.oai)
    assert {(s.setSpec, s.setName) for s in client.ListSets()} == {
        ("barzaz-breiz", "Barzaz Breiz"),
        ("keleier", "Keleier"),
    }
    in_keleier = [h.identifier for h in client.ListIdentifiers(metadataPrefix="oai_dc", set="keleier")]
    assert in_keleier == [harvest.identifier("keleier")]
    gwerz = client.GetRecord(metadataPrefix="oai_dc", identifier=harvest.identifier("gwerz"))
    assert gwerz.header.setSpecs == ["barzaz-breiz"]
    with pytest.raises(NoRecordsMatch):
        client.ListIdentifiers(metadataPrefix="oai_dc", set="no-such-collection")


def test_datestamps_are_the_last_events_and_from_until_select_by_them(harvest: Harvest) -> None:
    client = CheckedSickle(harvest.oai)
    headers = {h.identifier: h.datestamp for h in client.ListIdentifiers(metadataPrefix="oai_dc")}
    logged = activity.latest(activity.events(harvest.store))
    assert headers == {oai.oai_identifier(harvest.server.url, i): e.time for i, e in logged.items()}
    withdrawn_at = headers[harvest.identifier("withdrawn")]
    assert withdrawn_at == max(headers.values())  # the withdrawal came last
    since = {h.identifier for h in client.ListIdentifiers(metadataPrefix="oai_dc", **{"from": withdrawn_at})}
    assert since == {i for i, stamp in headers.items() if stamp >= withdrawn_at}
    until = {h.identifier for h in client.ListIdentifiers(metadataPrefix="oai_dc", until=min(headers.values()))}
    assert until == {i for i, stamp in headers.items() if stamp == min(headers.values())}
    today = withdrawn_at[:10]
    by_day = [h.identifier for h in client.ListIdentifiers(metadataPrefix="oai_dc", **{"from": today, "until": today})]
    assert set(by_day) == set(headers)
    with pytest.raises(NoRecordsMatch):
        client.ListIdentifiers(metadataPrefix="oai_dc", until="2000-01-01")


def test_identify_describes_the_repository(harvest: Harvest) -> None:
    identify = CheckedSickle(harvest.oai).Identify()
    assert identify.baseURL == harvest.oai
    assert identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    first_event = activity.events(harvest.store)[0]
    assert identify.earliestDatestamp == first_event.time
    assert "@" in identify.adminEmail


def test_metadata_formats_for_the_repository_and_for_one_record(harvest: Harvest) -> None:
    client = CheckedSickle(harvest.oai)
    assert [f.metadataPrefix for f in client.ListMetadataFormats()] == ["oai_dc"]
    assert [f.metadataPrefix for f in client.ListMetadataFormats(identifier=harvest.identifier("withdrawn"))] == [
        "oai_dc"
    ]
    with pytest.raises(IdDoesNotExist):
        client.ListMetadataFormats(identifier="oai:elsewhere.example:abc")


# -- errors -------------------------------------------------------------------------------

ERRORS: list[tuple[dict[str, str], str]] = [
    ({}, "badVerb"),
    ({"verb": "ListEverything"}, "badVerb"),
    ({"verb": ""}, "badVerb"),
    ({"verb": "Identify", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "sort": "title"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": ""}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-02-30"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01T10:00:00.5Z"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01T10:00:00+01:00"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-02", "until": "2024-01-01"}, "badArgument"),
    (
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01", "until": "2024-01-02T00:00:00Z"},
        "badArgument",
    ),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "not a set"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "<oai_dc>"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "GetRecord", "identifier": "oai:127.0.0.1:x"}, "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "not-ours"}, "badResumptionToken"),
    ({"verb": "ListIdentifiers", "resumptionToken": "W10"}, "badResumptionToken"),  # base64 of []
    ({"verb": "ListSets", "resumptionToken": "anything"}, "badResumptionToken"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere.example:abc"}, "idDoesNotExist"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": '"><x:y/>&amp;'}, "idDoesNotExist"),
    ({"verb": "ListMetadataFormats", "identifier": "nothing-here"}, "idDoesNotExist"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2999-01-01"}, "noRecordsMatch"),
]


@pytest.mark.parametrize(("params", "code"), ERRORS, ids=[f"{code}-{n}" for n, (_, code) in enumerate(ERRORS)])
def test_malformed_requests_get_the_right_error_code(harvest: Harvest, params: dict[str, str], code: str) -> None:
    document = get(harvest.oai, **params)
    assert error_code(document) == code
    request = document.find("oai:request", NS)
    assert request.text == harvest.oai
    if code in ("badVerb", "badArgument"):
        assert request.attrib == {}  # the protocol forbids echoing arguments it refused
    else:
        assert request.attrib == params


def test_repeated_arguments_are_bad_arguments_and_a_repeated_verb_a_bad_verb(harvest: Harvest) -> None:
    repeated = checked(httpx.get(f"{harvest.oai}?verb=ListSets&verb=ListSets", timeout=30))
    assert error_code(repeated) == "badVerb"
    url = f"{harvest.oai}?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc"
    assert error_code(checked(httpx.get(url, timeout=30))) == "badArgument"


def test_cannot_disseminate_a_record_in_an_unknown_format(harvest: Harvest) -> None:
    document = get(harvest.oai, verb="GetRecord", metadataPrefix="marc21", identifier=harvest.identifier("gwerz"))
    assert error_code(document) == "cannotDisseminateFormat"


def test_a_tampered_token_is_refused(harvest: Harvest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oai, "PAGE_SIZE", 1)
    token = get(harvest.oai, verb="ListIdentifiers", metadataPrefix="oai_dc").find(".//oai:resumptionToken", NS).text
    forged = oai.encode_token(oai.Query("oai_dc", "1999-13-01T00:00:00Z"))
    for bad in (token[:-2], token + "A", forged):
        assert error_code(get(harvest.oai, verb="ListIdentifiers", resumptionToken=bad)) == "badResumptionToken"


def test_a_repository_without_collections_has_no_set_hierarchy(tmp_path: Path) -> None:
    store = Store(tmp_path).ensure()
    activity.record_published(store, "abcdefghijkm", "2024-01-01T00:00:00+00:00")
    repository = oai.Repository("http://127.0.0.1:8999", "Test", "a@b.example", store, lambda: activity.events(store))
    document = oai.respond(repository, [("verb", "ListSets")], datetime.now(UTC))
    SCHEMA.validate(io.BytesIO(document))
    assert error_code(etree.fromstring(document)) == "noSetHierarchy"


# -- POST ----------------------------------------------------------------------------------


def test_post_with_form_arguments_answers_like_get_and_changes_nothing(harvest: Harvest) -> None:
    before = tree(harvest.store.root)
    client = CheckedSickle(harvest.oai, http_method="POST")
    assert len(list(client.ListRecords(metadataPrefix="oai_dc"))) == 3
    by_get = get(harvest.oai, verb="GetRecord", metadataPrefix="oai_dc", identifier=harvest.identifier("keleier"))
    by_post = checked(
        httpx.post(
            harvest.oai,
            data={"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": harvest.identifier("keleier")},
            timeout=30,
        )
    )
    for document in (by_get, by_post):
        document.remove(document.find("oai:responseDate", NS))
    assert etree.tostring(by_get) == etree.tostring(by_post)
    assert error_code(checked(httpx.post(harvest.oai, data={"verb": "Harvest"}, timeout=30))) == "badVerb"
    assert tree(harvest.store.root) == before


def test_post_in_another_encoding_is_refused(harvest: Harvest) -> None:
    response = httpx.post(harvest.oai, json={"verb": "Identify"}, timeout=30)
    assert response.status_code == 415

"""The Dublin Core form shared by upload and edit: parsing, per-field errors, prefilling, rendering."""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
import pytest
from starlette.datastructures import FormData

from heritage.model import RIGHTS_UNDETERMINED, Collection, DublinCore
from heritage.web import i18n
from heritage.web.metadata_form import (
    CC_URIS,
    RIGHTS_STATEMENT_URIS,
    metadata_form,
    metadata_values,
    parse_collection,
    parse_metadata_form,
    submitted_values,
)
from heritage.web.site import ENV

CC_BY_SA = "http://creativecommons.org/licenses/by-sa/4.0/"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    i18n.activate("en")
    yield
    i18n.activate("br")


def form(**fields: str | list[str]) -> FormData:
    items: list[tuple[str, str]] = []
    for name, value in fields.items():
        items += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return FormData(items)


def render(mf: object) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(ENV.get_template("_metadata_fields.html").render(metadata_form=mf))


def test_a_complete_form_becomes_dublin_core() -> None:
    dc, errors = parse_metadata_form(
        form(
            title="Barzaz Breiz",
            creator="Hersart de La Villemarqué\n\n  Anonymous  ",
            date="1846",
            publisher="Delloye",
            language=["br", "fr"],
            language_other="la, CY",
            type="Text",
            subject="Songs\nBrittany",
            source="BnF",
            rights=CC_BY_SA,
            description="Popular songs.",
        )
    )
    assert errors == {}
    assert dc == DublinCore(
        title="Barzaz Breiz",
        creator=["Hersart de La Villemarqué", "Anonymous"],
        date="1846",
        publisher=["Delloye"],
        language=["br", "fr", "la", "cy"],
        type="Text",
        subject=["Songs", "Brittany"],
        source="BnF",
        rights=CC_BY_SA,
        description="Popular songs.",
    )


def test_a_title_alone_defaults_the_rights_and_type() -> None:
    dc, errors = parse_metadata_form(form(title="Gwerz"))
    assert errors == {}
    assert dc is not None and dc.rights == RIGHTS_UNDETERMINED and dc.type == "Text"


def test_a_missing_title_is_an_error_beside_the_title() -> None:
    dc, errors = parse_metadata_form(form(title="   ", creator="Someone"))
    assert dc is None
    assert errors == {"title": "Give the document a title."}


def test_every_bad_field_gets_its_own_plain_message() -> None:
    dc, errors = parse_metadata_form(
        form(title="", language_other="not a code!", rights="http://example.org/free", description="x" * 4001)
    )
    assert dc is None
    assert set(errors) == {"title", "language", "rights", "description"}
    assert "ISO 639" in errors["language"]
    assert errors["rights"] == "Choose a rights statement or a licence from the list."
    assert "4000 characters" in errors["description"]


def test_too_many_lines_in_a_list_field_is_refused() -> None:
    dc, errors = parse_metadata_form(form(title="T", subject="\n".join(f"s{i}" for i in range(51))))
    assert dc is None and "50 lines" in errors["subject"]


def test_https_licence_uris_are_stored_in_their_canonical_http_form() -> None:
    dc, _ = parse_metadata_form(form(title="T", rights="https://creativecommons.org/licenses/by/4.0/"))
    assert dc is not None and dc.rights == "http://creativecommons.org/licenses/by/4.0/"


def test_the_choices_hold_the_twelve_rights_statements_and_the_creative_commons_licences() -> None:
    mf = metadata_form(metadata_values(None))
    assert len(mf.rights_statements) == 12 == len(RIGHTS_STATEMENT_URIS)
    assert [c.label for c in mf.licences][:2] == ["Public Domain Mark 1.0", "CC0 1.0"]
    assert {c.value for c in mf.licences} == set(CC_URIS)
    assert "CC BY-NC-ND 4.0" in [c.label for c in mf.licences]
    assert [c.value for c in mf.languages] == ["br", "fr", "en", "la"]


def test_labels_follow_the_interface_language() -> None:
    i18n.activate("fr")
    french = [c.label for c in metadata_form(metadata_values(None)).languages]
    i18n.activate("en")
    english = [c.label for c in metadata_form(metadata_values(None)).languages]
    assert english == ["Breton", "French", "English", "Latin"]
    assert french != english


def test_an_items_metadata_prefills_every_field() -> None:
    dc = DublinCore(
        title="Kanaouennoù",
        creator=["A", "B"],
        language=["br", "cy"],
        rights=CC_BY_SA,
        type="Sound",
        description="<b>bold</b>",
    )
    page = render(metadata_form(metadata_values(dc, "barzaz-breiz"), collections=[Collection("barzaz-breiz", "BB")]))
    assert page.get_element_by_id("md-title").value == "Kanaouennoù"
    assert page.get_element_by_id("md-creator").text_content() == "A\nB"
    assert [i.value for i in page.xpath("//input[@name='language'][@checked]")] == ["br"]
    assert page.get_element_by_id("md-language_other").value == "cy"
    assert page.get_element_by_id("md-rights").value == CC_BY_SA
    assert page.get_element_by_id("md-type").value == "Sound"
    assert page.get_element_by_id("md-collection").value == "barzaz-breiz"
    assert page.get_element_by_id("md-description").text_content() == "<b>bold</b>"


def test_a_rights_value_outside_the_lists_is_kept_as_the_current_choice() -> None:
    old = "http://creativecommons.org/licenses/by/3.0/fr/"
    page = render(metadata_form(metadata_values(DublinCore(title="T", rights=old))))
    assert page.get_element_by_id("md-rights").value == old


def test_a_refused_form_shows_each_error_beside_its_field_and_keeps_what_was_typed() -> None:
    submitted = form(title="", creator="Luzel", rights="nonsense")
    _, errors = parse_metadata_form(submitted)
    page = render(metadata_form(submitted_values(submitted), errors))
    title = page.get_element_by_id("md-title")
    assert title.get("aria-invalid") == "true"
    assert page.get_element_by_id("md-title-error").text_content() == "Give the document a title."
    assert "md-rights-error" in page.get_element_by_id("md-rights").get("aria-describedby")
    assert page.get_element_by_id("md-creator").text_content() == "Luzel"
    assert [a.get("href") for a in page.xpath("//div[@id='md-errors']//a")] == ["#md-title", "#md-rights"]


def test_every_control_has_a_label() -> None:
    page = render(metadata_form(metadata_values(None), collections=[Collection("c", "C")]))
    for control in page.xpath("//input|//select|//textarea"):
        labelled = control.get("id") and page.xpath(f"//label[@for='{control.get('id')}']")
        assert labelled or control.getparent().tag == "label", lxml.html.tostring(control)


def test_a_collection_must_be_one_of_ours() -> None:
    collections = [Collection("barzaz-breiz", "Barzaz Breiz")]
    assert parse_collection(form(collection="barzaz-breiz"), collections) == ("barzaz-breiz", {})
    assert parse_collection(form(collection=""), collections) == ("", {})
    assert parse_collection(form(collection="../etc"), collections)[1] == {
        "collection": "Choose a collection from the list."
    }

"""The Dublin Core form of the workspace: its choices, its prefilled values, and its parsing.

Both the upload form and the edit form show the same fields (``templates/_metadata_fields.html``)
and read them back here, so an item is described the same way wherever it comes from. A form
that does not pass gives an error per field, in plain words, and no ``DublinCore`` at all:
callers then save nothing. The model (``DublinCore.from_json``) stays the final judge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import ImmutableMultiDict

from heritage.errors import InvalidInputError
from heritage.model import DC_FIELDS, MAX_VALUE_CHARS, MAX_VALUES, RIGHTS_UNDETERMINED, Collection, DublinCore
from heritage.web.facets import language_name
from heritage.web.i18n import gettext as _
from heritage.web.reader_metadata import rights_label

RIGHTS_STATEMENTS: tuple[str, ...] = (
    "InC",
    "InC-OW-EU",
    "InC-EDU",
    "InC-NC",
    "InC-RUU",
    "NoC-CR",
    "NoC-NC",
    "NoC-OKLR",
    "NoC-US",
)
RIGHTS_STATEMENTS += ("CNE", "UND", "NKC")
RIGHTS_STATEMENT_URIS = tuple(f"http://rightsstatements.org/vocab/{code}/1.0/" for code in RIGHTS_STATEMENTS)
CC_URIS = (
    "http://creativecommons.org/publicdomain/mark/1.0/",
    "http://creativecommons.org/publicdomain/zero/1.0/",
    *(f"http://creativecommons.org/licenses/{name}/4.0/" for name in ("by", "by-sa", "by-nd", "by-nc", "by-nc-sa")),
    "http://creativecommons.org/licenses/by-nc-nd/4.0/",
)
LANGUAGES = ("br", "fr", "en", "la")
"""Offered as checkboxes; any other ISO 639 code goes in the "other languages" field."""
DCMI_TYPES = (
    "Text",
    "StillImage",
    "Image",
    "Sound",
    "MovingImage",
    "Collection",
    "Dataset",
    "Event",
    "InteractiveResource",
    "PhysicalObject",
    "Service",
    "Software",
)
LIST_FIELDS = ("creator", "publisher", "subject")  # one value per line in a textarea


FormLike = ImmutableMultiDict[str, Any]
"""Starlette's ``FormData`` (or any multi-dict of the submitted fields)."""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class MetadataForm:
    """Everything ``_metadata_fields.html`` shows: the values, the errors, the choices."""

    values: dict[str, object]
    errors: dict[str, str] = field(default_factory=dict)
    rights_statements: list[Choice] = field(default_factory=list)
    licences: list[Choice] = field(default_factory=list)
    other_rights: list[Choice] = field(default_factory=list)  # an item's current value not in our lists
    languages: list[Choice] = field(default_factory=list)
    types: list[Choice] = field(default_factory=list)
    collections: list[Choice] = field(default_factory=list)
    with_collection: bool = True

    @property
    def error_summary(self) -> list[tuple[str, str]]:
        """(field id, message) for the list at the top of a refused form, in the form's order."""
        order = [*DC_FIELDS, "collection"]
        ids = {"language": "language_other"}  # a group of checkboxes: go to its text field
        return [(ids.get(name, name), self.errors[name]) for name in sorted(self.errors, key=order.index)]


def _text(form: FormLike, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _codes(value: str) -> list[str]:
    return [code.strip().lower() for code in value.replace(";", ",").replace(" ", ",").split(",") if code.strip()]


def submitted_values(form: FormLike) -> dict[str, object]:
    """The form's raw values, to show again as typed when it is refused."""
    values: dict[str, object] = {name: _text(form, name) for name in DC_FIELDS if name != "language"}
    values["languages"] = [v for v in form.getlist("language") if isinstance(v, str)]
    values["language_other"] = _text(form, "language_other")
    values["collection"] = _text(form, "collection")
    return values


def metadata_values(metadata: DublinCore | None, collection: str = "") -> dict[str, object]:
    """An item's (or the default) Dublin Core as form values, to prefill the form."""
    dc = metadata or DublinCore(title="placeholder")
    values: dict[str, object] = {name: getattr(dc, name) for name in DC_FIELDS if name != "language"}
    for name in LIST_FIELDS:
        values[name] = "\n".join(getattr(dc, name))
    if metadata is None:
        values["title"] = ""
    values["languages"] = [code for code in dc.language if code in LANGUAGES]
    values["language_other"] = ", ".join(code for code in dc.language if code not in LANGUAGES)
    values["collection"] = collection
    return values


def _length_errors(values: dict[str, object]) -> dict[str, str]:
    errors = {}
    for name in DC_FIELDS:
        value = values.get(name, "")
        if not isinstance(value, str):
            continue
        parts = _lines(value) if name in LIST_FIELDS else [value]
        if name in LIST_FIELDS and len(parts) > MAX_VALUES:
            errors[name] = _("At most %(count)s lines, one value per line.") % {"count": MAX_VALUES}
        elif any(len(part) > MAX_VALUE_CHARS for part in parts):
            errors[name] = _("This is longer than %(count)s characters.") % {"count": MAX_VALUE_CHARS}
    return errors


def _field_errors(data: dict[str, object]) -> dict[str, str]:
    """Ask the model about each field alone, so each refusal lands beside its own field."""
    messages = {
        "language": _("Use ISO 639 language codes such as br, fr or la, separated by commas."),
        "rights": _("Choose a rights statement or a licence from the list."),
    }
    errors = {}
    for name, value in data.items():
        if name == "title":
            continue
        try:
            DublinCore.from_json({"title": "t", name: value})
        except InvalidInputError:
            errors[name] = messages.get(name, _("This value cannot be used."))
    return errors


def parse_metadata_form(form: FormLike) -> tuple[DublinCore | None, dict[str, str]]:
    """The form's Dublin Core, or None and a plain message per field that needs correcting."""
    values = submitted_values(form)
    errors = _length_errors(values)
    if not str(values["title"]).strip():
        errors["title"] = _("Give the document a title.")
    data: dict[str, object] = {name: values[name] for name in DC_FIELDS if name != "language"}
    for name in LIST_FIELDS:
        data[name] = _lines(str(values[name]))
    languages = values["languages"]
    data["language"] = [*(languages if isinstance(languages, list) else []), *_codes(str(values["language_other"]))]
    data["rights"] = data["rights"] or RIGHTS_UNDETERMINED
    data["type"] = data["type"] or "Text"
    errors = {**_field_errors({k: v for k, v in data.items() if k not in errors}), **errors}
    if errors:
        return None, errors
    try:
        return DublinCore.from_json(data), {}
    except InvalidInputError:  # every field passed alone; the model still refuses: say so plainly
        return None, {"title": _("This description cannot be saved; check every field.")}


def parse_collection(form: FormLike, collections: Iterable[Collection]) -> tuple[str, dict[str, str]]:
    """The chosen collection's slug ("" for none), or an error if it is not one of ours."""
    slug = _text(form, "collection")
    if slug and slug not in {c.slug for c in collections}:
        return "", {"collection": _("Choose a collection from the list.")}
    return slug, {}


def _type_label(value: str) -> str:
    names = {
        "Text": _("Text"),
        "StillImage": _("Image"),
        "Image": _("Image (any kind)"),
        "Sound": _("Sound"),
        "MovingImage": _("Moving image"),
        "Collection": _("Collection"),
        "Dataset": _("Dataset"),
        "Event": _("Event"),
        "InteractiveResource": _("Interactive resource"),
        "PhysicalObject": _("Physical object"),
        "Service": _("Service"),
        "Software": _("Software"),
    }
    return names.get(value, value)


def metadata_form(
    values: dict[str, object],
    errors: dict[str, str] | None = None,
    collections: Iterable[Collection] = (),
    with_collection: bool = True,
) -> MetadataForm:
    """The template's view of the form, its labels in the request's interface language."""
    rights = str(values.get("rights") or RIGHTS_UNDETERMINED)
    known = {*RIGHTS_STATEMENT_URIS, *CC_URIS}
    types = [Choice(t, _type_label(t)) for t in DCMI_TYPES]
    current_type = str(values.get("type") or "Text")
    if current_type not in DCMI_TYPES:
        types.append(Choice(current_type, current_type))
    return MetadataForm(
        values={**values, "rights": rights, "type": current_type},
        errors=errors or {},
        rights_statements=[Choice(uri, rights_label(uri)) for uri in RIGHTS_STATEMENT_URIS],
        licences=[Choice(uri, rights_label(uri)) for uri in CC_URIS],
        other_rights=[] if rights in known else [Choice(rights, rights_label(rights))],
        languages=[Choice(code, language_name(code)) for code in LANGUAGES],
        types=types,
        collections=[Choice(c.slug, c.name) for c in collections],
        with_collection=with_collection,
    )

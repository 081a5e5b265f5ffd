"""An item's Dublin Core as the reader shows it: labelled rows, language names, rights labels.

Labels are interface strings (translated by gettext); values are the archivist's, shown as
catalogued, with the item's language as ``lang`` when the item has exactly one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from heritage.model import DublinCore
from heritage.web.facets import language_name, type_name
from heritage.web.i18n import gettext as _

_CC = re.compile(r"^http://creativecommons\.org/(licenses|publicdomain)/([a-z0-9.+-]+)/(?:([0-9.]+)/)?")


@dataclass(frozen=True)
class Row:
    label: str
    values: list[str]
    lang: str  # of the values, "" when not known
    href: str = ""  # the values link here (rights)


def _rights_statements() -> dict[str, str]:
    """RightsStatements.org names, translated on each call (the language is per request)."""
    return {
        "InC": _("In Copyright"),
        "InC-OW-EU": _("In Copyright – EU Orphan Work"),
        "InC-EDU": _("In Copyright – Educational Use Permitted"),
        "InC-NC": _("In Copyright – Non-Commercial Use Permitted"),
        "InC-RUU": _("In Copyright – Rights-holder(s) Unlocatable or Unidentifiable"),
        "NoC-CR": _("No Copyright – Contractual Restrictions"),
        "NoC-NC": _("No Copyright – Non-Commercial Use Only"),
        "NoC-OKLR": _("No Copyright – Other Known Legal Restrictions"),
        "NoC-US": _("No Copyright – United States"),
        "CNE": _("Copyright Not Evaluated"),
        "UND": _("Copyright Undetermined"),
        "NKC": _("No Known Copyright"),
    }


def rights_label(uri: str) -> str:
    """A licence or rights statement URI as people name it: 'CC BY-SA 4.0', 'In Copyright'."""
    statement = re.match(r"^http://rightsstatements\.org/vocab/([A-Za-z-]+)/1\.0/$", uri)
    if statement:
        return _rights_statements().get(statement.group(1), uri)
    licence = _CC.match(uri)
    if not licence:
        return uri
    kind, name, version = licence.groups()
    if kind == "publicdomain":
        label = {"zero": "CC0", "mark": _("Public Domain Mark")}.get(name, name)
    else:
        label = "CC " + name.upper()
    return f"{label} {version}" if version else label


def content_language(dc: DublinCore) -> str:
    """The item's language for ``lang`` on its title and description, if it has exactly one."""
    return dc.language[0] if len(dc.language) == 1 else ""


def metadata_rows(dc: DublinCore) -> list[Row]:
    """The catalogued fields in the order of the manifest, empty ones left out."""
    lang = content_language(dc)
    rows = [
        Row(_("Title"), [dc.title], lang),
        Row(_("Creator"), dc.creator, ""),
        Row(_("Date"), [dc.date], ""),
        Row(_("Publisher"), dc.publisher, ""),
        Row(_("Language"), [language_name(code) for code in dc.language], ""),
        Row(_("Type"), [type_name(dc.type)], ""),
        Row(_("Subject"), dc.subject, lang),
        Row(_("Source"), [dc.source], ""),
        Row(_("Description"), [dc.description], lang),
        Row(_("Rights"), [rights_label(dc.rights)], "", href=dc.rights),
    ]
    return [Row(r.label, [v for v in r.values if v], r.lang, r.href) for r in rows if any(r.values)]

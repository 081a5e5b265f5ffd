"""Facets as filter links that combine: a collection's counted from its published items, the
search page's from OpenSearch, both shown the same way.

A filter is a query parameter that may repeat (``language=br&language=fr``): any of the values
within one facet, all facets together, as ``heritage.search.query.Filters`` does. Each link adds
or removes one value and goes back to the first page, so every combination has its own stable
URL. Counts are over the documents the current filters leave.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from heritage.errors import InvalidInputError
from heritage.model import Item
from heritage.search.documents import year_of
from heritage.search.query import MAX_FILTER_VALUES
from heritage.web import i18n
from heritage.web.catalogue import Entry

Params = list[tuple[str, str]]
COLLECTION_FACETS = ("language", "type", "century", "creator", "subject")
MAX_SHOWN = 12
"""Values listed per facet, the commonest first; the active ones are always listed."""


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    href: str
    active: bool
    lang: str = ""  # for a value in a content language (a subject in Breton)


@dataclass(frozen=True)
class FacetGroup:
    name: str
    label: str
    links: list[FacetLink]


@dataclass(frozen=True)
class ActiveFilter:
    label: str
    remove: str  # the URL without this filter


def url(path: str, params: Params) -> str:
    query = urlencode(params)
    return path + (f"?{query}" if query else "")


def toggled(path: str, params: Params, name: str, value: str) -> str:
    """This page with ``value`` added to or removed from filter ``name``, at page 1."""
    rest = [(k, v) for k, v in params if k != "page" and (k, v) != (name, value)]
    if len(rest) == len([p for p in params if p[0] != "page"]):
        rest.append((name, value))
    return url(path, rest)


def adder(path: str, params: Params, name: str) -> Callable[[str], str]:
    """The link maker of one facet: value -> this page with it toggled."""
    return lambda value: toggled(path, params, name, value)


def without(path: str, params: Params, *names: str) -> str:
    """This page without any value of the filters ``names``, at page 1."""
    return url(path, [(k, v) for k, v in params if k not in (*names, "page")])


def facet_label(name: str) -> str:
    labels = {
        "collection": i18n.gettext("Collection"),
        "language": i18n.gettext("Language"),
        "type": i18n.gettext("Type"),
        "century": i18n.gettext("Century"),
        "decade": i18n.gettext("Decade"),
        "creator": i18n.gettext("Creator"),
        "subject": i18n.gettext("Subject"),
        "rights": i18n.gettext("Rights"),
        "year": i18n.gettext("Years"),
    }
    return labels.get(name, name)


def language_name(code: str) -> str:
    names = {
        "br": i18n.gettext("Breton"),
        "fr": i18n.gettext("French"),
        "en": i18n.gettext("English"),
        "la": i18n.gettext("Latin"),
    }
    return names.get(code, code)


def type_name(value: str) -> str:
    names = {"Text": i18n.gettext("Text"), "Image": i18n.gettext("Image"), "StillImage": i18n.gettext("Image")}
    return names.get(value, value)


def value_label(name: str, value: str) -> str:
    """How a facet value reads: language names, years as ranges (``1800–1899``)."""
    if name == "language":
        return language_name(value)
    if name == "type":
        return type_name(value)
    if name == "century":
        return f"{value}–{int(value) + 99}"
    if name == "decade":
        return f"{value}–{int(value) + 9}"
    return value


def century_of(item: Item) -> str | None:
    year = year_of(item.metadata.date)
    return None if year is None else str(year - year % 100)


def values_of(item: Item, name: str) -> list[str]:
    """An item's values for one collection facet."""
    metadata = item.metadata
    if name == "century":
        century = century_of(item)
        return [century] if century else []
    if name == "type":
        return [metadata.type] if metadata.type else []
    values: list[str] = getattr(metadata, name)
    return list(dict.fromkeys(values))


def collection_filters(params: Params) -> dict[str, tuple[str, ...]]:
    """The collection facet filters of a query; a century that is no hundred is refused."""
    filters: dict[str, tuple[str, ...]] = {}
    for name in COLLECTION_FACETS:
        values = tuple(dict.fromkeys(v for k, v in params if k == name and v))
        if len(values) > MAX_FILTER_VALUES:
            raise InvalidInputError(f"at most {MAX_FILTER_VALUES} values for the {name} filter")
        if name == "century" and not all(v.isdigit() and int(v) % 100 == 0 for v in values):
            raise InvalidInputError("century must be a year ending in 00, such as 1800")
        if values:
            filters[name] = values
    return filters


def matching(entries: Sequence[Entry], filters: dict[str, tuple[str, ...]]) -> list[Entry]:
    """The entries holding, for every filtered facet, one of its values."""
    return [e for e in entries if all(set(values) & set(values_of(e.item, name)) for name, values in filters.items())]


def counted(entries: Sequence[Entry], name: str) -> list[tuple[str, int]]:
    """Values of one facet over ``entries``, commonest first; centuries in order."""
    counts = Counter(v for e in entries for v in values_of(e.item, name))
    if name == "century":
        return sorted(counts.items(), key=lambda kv: int(kv[0]))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def group(
    name: str,
    counts: Sequence[tuple[str, int]],
    active: Sequence[str],
    link: Callable[[str], str],
    label: Callable[[str], str] | None = None,
    lang: Callable[[str], str] | None = None,
) -> FacetGroup:
    """A facet's links: the active values first kept, then the commonest up to ``MAX_SHOWN``."""
    shown = [c for c in counts if c[0] in active] + [c for c in counts if c[0] not in active]
    links = [
        FacetLink(
            label=(label or (lambda v: value_label(name, v)))(value),
            count=count,
            href=link(value),
            active=value in active,
            lang=lang(value) if lang else "",
        )
        for value, count in shown[: max(MAX_SHOWN, len(active))]
    ]
    return FacetGroup(name, facet_label(name), links)


def subject_lang(entries: Sequence[Entry]) -> Callable[[str], str]:
    """The language of a subject or creator when the items holding it have only one."""
    languages: dict[str, set[str]] = {}
    for e in entries:
        for value in (*e.item.metadata.subject, *e.item.metadata.creator):
            languages.setdefault(value, set()).update(e.item.metadata.language)
    return lambda v: next(iter(languages.get(v, ()))) if len(languages.get(v, ())) == 1 else ""


def collection_facets(path: str, params: Params, entries: Sequence[Entry]) -> tuple[list[FacetGroup], list[Entry]]:
    """A collection's facet groups and the entries its filters leave."""
    filters = collection_filters(params)
    shown = matching(entries, filters)
    lang = subject_lang(entries)
    groups = [
        group(
            name,
            counted(shown, name),
            filters.get(name, ()),
            adder(path, params, name),
            lang=lang if name in ("subject", "creator") else None,
        )
        for name in COLLECTION_FACETS
    ]
    return [g for g in groups if g.links], shown


def active_filters(
    path: str, params: Params, names: Sequence[str], label: Callable[[str, str], str]
) -> list[ActiveFilter]:
    """Each filter value in the query, with the link that removes it."""
    return [
        ActiveFilter(f"{facet_label(k)}: {label(k, v)}", toggled(path, params, k, v))
        for k, v in params
        if k in names and v
    ]

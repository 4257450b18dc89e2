"""A product's shopper-facing words in other languages: one companion file per language beside the product file.

`city-bike.de.yaml` beside `city-bike.yaml` gives the bike's words in German, keyed by the ids the product file
uses (`options: {frame_size: {label: Rahmengröße, values: {M: {label: Mittel (54 cm)}}}}`). Companion files, not
words inline, because a translation is handed to a translator and reviewed apart from the rules: a translator
cannot break a rule or a price, a product file stays readable with one language in it, and a language is added or
dropped as one file (as gettext keeps one catalog per language). They are kept in step by `configurator check`,
which names every word a language lacks (at the element in the product file) and every key that names nothing
any more (at the key in the companion file); `configurator lint` gives each language's coverage. Translations
never change ids or the product's version: selections, links, quotes and the API are the same in every language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from pydantic import BaseModel, ConfigDict, Field

from catalog.kinds import listed_values, own_words
from catalog.schema import Identifier, Language, Product

# `name.de.yaml`, `name.pt-BR.yaml`: a companion file is named by its product file's name and a language tag.
_COMPANION = re.compile(r"^.+\.(?P<language>[a-z]{2,3}(?:-[A-Z]{2})?)$")

Key = tuple[str, ...]  # a word's place: ("options", "frame_size", "values", "M", "label")


class _Words(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ValueWords(_Words):
    """A value's words."""

    label: str | None = None
    description: str | None = None


class OptionWords(_Words):
    """An option's words, and its values'."""

    label: str | None = None
    description: str | None = None
    unit: str | None = None
    pattern_hint: str | None = None
    values: dict[Identifier, ValueWords] = {}


class StepWords(_Words):
    """A step's words."""

    label: str | None = None
    description: str | None = None


class RuleWords(_Words):
    """What a rule tells a shopper when it rules a value out."""

    message: str | None = None


class PriceWords(_Words):
    """A price line's label."""

    label: str | None = None


class MarketWords(_Words):
    """A market's name as shoppers choose it."""

    label: str | None = None


class AnswerWords(_Words):
    """An answer's words."""

    label: str | None = None
    description: str | None = None


class QuestionWords(_Words):
    """A question's words, and its answers'."""

    text: str | None = None
    answers: dict[Identifier, AnswerWords] = {}


class Translation(_Words):
    """A product's words in one language: the top level of a companion file (`city-bike.de.yaml`)."""

    translates: Identifier = Field(description="The id of the product these are the words of.")
    language: Language = Field(description="The language, as the file's name says it (`de` in city-bike.de.yaml).")
    name: str | None = None
    description: str | None = None
    face_reason: str | None = None
    steps: dict[Identifier, StepWords] = {}
    options: dict[Identifier, OptionWords] = {}
    rules: dict[Identifier, RuleWords] = {}
    pricing: dict[Identifier, PriceWords] = {}
    questions: dict[Identifier, QuestionWords] = {}
    markets: dict[Identifier, MarketWords] = {}

    def words(self) -> dict[Key, str]:
        """Every word it gives, by its place."""
        return dict(_flat(self.model_dump(exclude={"translates", "language"}), ()))


def companion_language(path: Path) -> str | None:
    """The language a catalog file gives a product's words in, by its name (`city-bike.de.yaml`: "de"); None for
    a product file."""
    found = _COMPANION.match(path.stem)
    return found.group("language") if found and known_language(found.group("language")) else None


def known_language(tag: str) -> bool:
    """Whether the tag names a language with a locale (Babel's CLDR data): `bike.old.yaml` is no translation."""
    try:
        Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return True


def language_name(tag: str, said_in: str = "en") -> str:
    """The language's name in another language: in English ("German" for de) for messages to merchandisers, in
    its own ("Deutsch") for a shopper choosing it."""
    name = Locale.parse(tag.replace("-", "_")).get_display_name(said_in.replace("-", "_")) or tag
    return name[:1].upper() + name[1:]


def product_words(product: Product) -> dict[Key, tuple[str, str]]:
    """Every shopper-facing word of the product by its place, with the id of the element it belongs to (where
    a missing translation is reported: an option, rule or price line id, or `/step/<id>`)."""
    found: dict[Key, tuple[str, str]] = {}
    for key, text, element in _product_words(product):
        if text:
            found[key] = (text, element)
    return found


def _product_words(product: Product) -> Iterator[tuple[Key, str | None, str]]:
    first = product.steps[0].options[0].id if product.steps[0].options else f"/step/{product.steps[0].id}"
    yield ("name",), product.name, first
    yield ("description",), product.description, first
    yield ("face_reason",), product.face_reason, first
    for step in product.steps:
        yield ("steps", step.id, "label"), step.label, f"/step/{step.id}"
        yield ("steps", step.id, "description"), step.description, f"/step/{step.id}"
    for option in product.options():
        at = ("options", option.id)
        yield (*at, "label"), option.label, option.id
        yield (*at, "description"), option.description, option.id
        for name, text in own_words(option).items():
            yield (*at, name), text, option.id
        for value in listed_values(option):
            yield (*at, "values", value.id, "label"), value.label, option.id
            yield (*at, "values", value.id, "description"), value.description, option.id
    for rule in product.rules:
        yield ("rules", rule.id, "message"), rule.message, rule.id
    for price in product.pricing:
        yield ("pricing", price.id, "label"), price.label, price.id
    for question in product.questions:
        yield ("questions", question.id, "text"), question.text, first
        for answer in question.answers:
            yield ("questions", question.id, "answers", answer.id, "label"), answer.label, first
            yield ("questions", question.id, "answers", answer.id, "description"), answer.description, first
    for market in product.markets:
        yield ("markets", market.id, "label"), market.label, first


def missing(product: Product, translation: Translation) -> list[tuple[Key, str]]:
    """The words the translation lacks, each with the element it belongs to."""
    given = translation.words()
    return [(key, element) for key, (_, element) in product_words(product).items() if key not in given]


def stale(product: Product, translation: Translation) -> list[Key]:
    """The words the translation gives for nothing the product has (an id renamed or removed, a word emptied)."""
    wanted = product_words(product)
    return [key for key in translation.words() if key not in wanted]


def coverage(product: Product, translation: Translation) -> tuple[int, int]:
    """How many of the product's words the translation gives, of how many."""
    wanted = product_words(product)
    return sum(1 for key in translation.words() if key in wanted), len(wanted)


def said(key: Key) -> str:
    """A word's place in words: "option frame_size, value M, label"."""
    names = {"steps": "step", "options": "option", "values": "value", "rules": "rule", "pricing": "price line",
             "questions": "question", "answers": "answer", "markets": "market"}
    parts, rest = [], list(key)
    while len(rest) >= 2 and rest[0] in names:
        parts.append(f"{names[rest[0]]} {rest[1]}")
        rest = rest[2:]
    return ", ".join(parts + rest)


def _flat(data: Mapping[str, Any], at: Key) -> Iterator[tuple[Key, str]]:
    for name, value in data.items():
        if isinstance(value, Mapping):
            yield from _flat(value, (*at, name))
        elif isinstance(value, str) and value:
            yield (*at, name), value


def translated(product: Product, translation: Translation | None) -> Product:
    """The product with its words in the translation's language (each word it lacks kept as it is): the same ids,
    values, rules and prices, for showing to a shopper; the engine keeps the product as its file says it."""
    if translation is None:
        return product
    data = product.model_dump(mode="python", by_alias=True, exclude_unset=True)
    words = translation.words()
    for key, text in words.items():
        _put(data, key, text)
    return Product.model_validate(data)


_LISTS = ("steps", "rules", "pricing", "questions", "answers", "values", "markets")  # lists of elements with ids


def _put(data: dict[str, Any], key: Key, text: str) -> None:
    """Set the word at `key` (ids in the key pick list entries by their `id`) where the product has that place."""
    node: Any = data
    for part in key[:-1]:
        if isinstance(node, dict) and part in _LISTS:
            node = node.get(part)
            continue
        if isinstance(node, dict) and part == "options":
            node = [option for step in data.get("steps", []) for option in step.get("options", [])]
            continue
        if isinstance(node, list):
            node = next((item for item in node if isinstance(item, dict) and item.get("id") == part), None)
            continue
        return
    if isinstance(node, dict):
        node[key[-1]] = text

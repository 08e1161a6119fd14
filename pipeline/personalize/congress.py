"""The public congress-legislators YAML format, read in place: members, current terms, committees."""

from __future__ import annotations

import gc
import re
import unicodedata
from functools import partial
from pathlib import Path
from typing import ClassVar

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from pipeline.errors import Report
from pipeline.personalize.people import Recipient, make_recipient
from pipeline.sources.files import read_text
from pipeline.sources.load import parse_yaml, report_yaml_error

LEGISLATORS, MEMBERSHIP, COMMITTEES_YAML = (
    "legislators-current.yaml",
    "committee-membership-current.yaml",
    "committees-current.yaml",
)


class _Text:
    """A YAML loader mix-in taking every scalar as text: no implicit typing, and no resolver to run
    for each of the legislators file's 120,000 nodes."""

    TAGS: ClassVar[dict] = {
        ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
        SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
        MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    }

    def resolve(self, kind, value, implicit):
        return self.TAGS[kind]

    def descend_resolver(self, parent, index):
        pass

    def ascend_resolver(self):
        pass


class _Loader(_Text, getattr(yaml, "CBaseLoader", yaml.BaseLoader)):
    """libyaml's composer; PyYAML's own, about ten times slower, when libyaml is missing."""


def _compose(path: Path, shown: str, report: Report):
    """The YAML node tree of a file (every scalar a string, every node with its marks), or None."""
    text = read_text(path, shown, report)
    if text is None:
        return None
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of nodes: collecting during composition doubles its time
    loader = None
    try:
        loader = _Loader(text)
        return loader.get_single_node()
    except yaml.YAMLError as exc:  # worded and placed as for any YAML file: the sources' reader says it
        said = Report()
        if parse_yaml(text, shown, said) is None and said.errors:
            report.extend(said)
        else:
            report_yaml_error(exc, text, shown, report)
    finally:
        if loader is not None:
            loader.dispose()
        if collecting:
            gc.enable()
    return None


def _find(node, *keys: str):
    """The node under `keys` in nested mappings, or None."""
    for key in keys:
        if not isinstance(node, MappingNode):
            return None
        node = next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == key), None)
    return node


def _text(node) -> str:
    return unicodedata.normalize("NFC", node.value.strip()) if isinstance(node, ScalarNode) else ""


def _mark(shown: str, node) -> tuple[str, int, int]:
    return (shown, node.start_mark.line + 1, node.start_mark.column + 1)


def _items(node, kind: type, what: str, shown: str, report: Report) -> list:
    """The items of a YAML list, or the (key, value) pairs of a mapping; anything else is reported."""
    if node is not None and not isinstance(node, kind):
        report.error(_mark(shown, node), f"expected {what} here", "recipients.yaml")
    return node.value if isinstance(node, kind) else []


def committees(path: Path, shown: str, report: Report) -> dict[str, tuple[str, str]] | None:
    """thomas_id -> (display name, chamber) from committees-current.yaml; None without the file."""
    if not path.is_file():
        return None
    root, known = _compose(path, shown, report), {}
    if root is None:
        return None  # unreadable: reported, and codes go unchecked
    for item in _items(root, SequenceNode, "a list of committees", shown, report):
        code, name = _text(_find(item, "thomas_id")), _text(_find(item, "name"))
        if code and name:  # "House Committee on the Budget" -> "Budget"
            known[code] = (
                re.sub(r"^(House|Senate) (Committee on (the )?)?", "", name),
                _text(_find(item, "type")),
            )
        else:
            report.error(_mark(shown, item), "a committee needs a thomas_id and a name", "recipients.yaml")
    return known


def _memberships(path: Path, shown: str, report: Report) -> dict[str, dict[str, tuple]]:
    """bioguide -> committee code -> where the membership is listed; a subcommittee (parent code + digits,
    SSFR01) counts as its parent."""
    members: dict[str, dict[str, tuple]] = {}
    if not path.is_file():
        return members
    root = _compose(path, shown, report)
    for key, value in _items(root, MappingNode, "committee codes and their members", shown, report):
        code = re.sub(r"^([A-Z]{4})\d+$", r"\1", _text(key))
        for member in _items(value, SequenceNode, "a list of members", shown, report):
            members.setdefault(_text(_find(member, "bioguide")), {}).setdefault(code, _mark(shown, member))
    return members


HONORIFICS = {
    "senate": ("Senator", "Sen."),
    "house": ("Representative", "Rep."),
    "delegate": ("Delegate", "Del."),
    "PR": ("Resident Commissioner", "Res. Comm."),
}


def read(folder: Path, shown: str, report: Report) -> list[Recipient]:
    known = committees(folder / COMMITTEES_YAML, f"{shown}/{COMMITTEES_YAML}", report)
    members = _memberships(folder / MEMBERSHIP, f"{shown}/{MEMBERSHIP}", report)
    file = f"{shown}/{LEGISLATORS}"
    root = _compose(folder / LEGISLATORS, file, report)
    made, seen = [], {}
    for item in _items(root, SequenceNode, "a list of legislators", file, report):
        terms = _find(item, "terms")
        if not isinstance(terms, SequenceNode) or not terms.value:
            report.error(_mark(file, item), "a legislator needs a list of terms", "recipients.yaml")
            continue
        fields, nodes = _legislator(item, terms.value[-1])  # the last term is the current one
        fields["committees"] = sorted(members.get(fields["id"], {}).items())
        at = partial(_node_at, file, nodes, item)
        made.append(make_recipient(fields, at, item.start_mark.line + 1, file, known, seen, report))
    return [r for r in made if r is not None]


def _legislator(item: MappingNode, term: MappingNode) -> tuple[dict, dict]:
    """The recipient fields of one legislator, unchecked, and the node each came from."""
    name = _find(item, "name")
    nodes = {
        "id": _find(item, "id", "bioguide"),
        "name": name,
        "chamber": _find(term, "type"),
        "state": _find(term, "state"),
        "district": _find(term, "district"),
        "party": _find(term, "party"),
    }
    fields = {key: _text(node) for key, node in nodes.items()}
    first, last, full, suffix = (
        _text(_find(name, key)) for key in ("first", "last", "official_full", "suffix")
    )
    fields["name"] = full or " ".join(filter(None, (first, last))) + (f", {suffix}" if suffix else "")
    if full and last not in full:  # "Pablo José Hernández", whose last name is given as "Hernández Rivera"
        last = full.split(",")[0].split()[-1]
    chamber = fields["chamber"] = {"sen": "senate", "rep": "house"}.get(fields["chamber"], fields["chamber"])
    kind = chamber
    if chamber == "house" and fields["state"] in ("AS", "DC", "GU", "MP", "PR", "VI"):
        kind = "PR" if fields["state"] == "PR" else "delegate"
    fields["honorific"], abbreviation = HONORIFICS.get(kind, (chamber, ""))  # an unknown chamber is reported
    fields["short"] = f"{abbreviation} {last}" if abbreviation and last else ""
    address = re.sub(r"[;,]?\s*Washington,? DC \d{5}(-\d{4})?$", "", _text(_find(term, "address")))
    fields["office"] = _text(_find(term, "office")) or address
    fields["extra"] = tuple((key, _text(_find(term, key))) for key in ("phone", "url") if _find(term, key))
    return fields, nodes


def _node_at(file: str, nodes: dict, item, key: str) -> tuple[str, int, int]:
    """Where a legislator's field was given (their entry, if it was not)."""
    return _mark(file, nodes.get(key) or item)

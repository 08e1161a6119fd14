"""Step 4, layouts: a layout's inheritance chain resolved into tokens, fonts, CSS, blocks and templates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment
from pydantic import Field, PrivateAttr

from pipeline import KINDS
from pipeline.colour import GRAYSCALE_MIN, contrast
from pipeline.errors import Report, did_you_mean, one_of
from pipeline.sources import files
from pipeline.sources.files import layout_files, listing, locate, refused, shown
from pipeline.sources.load import Source, load_yaml
from pipeline.sources.model import Slug, Strict, validate

TOKEN_VALUE = re.compile(r"^[#\w\s.,%\"'()+\-*/]+$")


class FontFace(Strict):
    """One font file the layout uses; every font in a PDF must be one of these."""

    family: Annotated[str, Field(pattern=r"^[A-Za-z0-9 ]+$")] = Field(description="The CSS font-family name.")
    file: str = Field(description="Path to an OpenType/TrueType file, relative to the layout folder.")
    weight: int = Field(400, ge=100, le=900, description="The CSS font-weight this file provides.")
    style: Literal["normal", "italic"] = Field("normal", description="normal or italic.")


class Fit(Strict):
    """How far a one-pager may step down to fit its page, and what it may leave out."""

    body_max: float = Field(11, gt=5, le=16, description="Body size in pt when everything fits.")
    body_min: float = Field(9, gt=5, le=16, description="The floor: the smallest body size in pt.")
    space_min: float = Field(
        0.7, gt=0.2, le=1, description="The tightest spacing, as a fraction of the normal."
    )
    step: float = Field(0.25, gt=0, le=2, description="Body sizes are tried in steps of this many pt.")
    optional: list[Slug] = Field(
        default_factory=list, description="Blocks that may be left out, first to last."
    )


class BriefingSpec(Strict):
    """The briefing's block order and how notes are set."""

    blocks: list[Slug] | None = Field(None, description="Block templates in reading order.")
    notes: Literal["footnotes", "endnotes"] | None = Field(
        None, description="For note styles such as Chicago."
    )


class BandLine(Strict):
    """One line of the personalization band, with {fields} filled from the recipient (see README)."""

    long: str = Field(
        description="The line as printed when it fits, e.g. 'Prepared for the office of {honorific} "
        "{name} ({seat})'. A line whose fields are all empty is left out. With --bills, {bill}, "
        "{bill_status}, {bill_status_short}, {cosponsor_since}, {bill_committees} and {bill_updated} say "
        "where the member stands on the bills the topic's asks name."
    )
    short: str | None = Field(
        None, description="A shorter form, used when the long one is wider than the band."
    )
    size: float = Field(9, gt=4, le=16, description="Type size in pt.")


class Band(Strict):
    """The personalization band of one-pagers made by `press personalize`: its lines, type and QR code."""

    lines: list[BandLine] = Field(
        min_length=1,
        max_length=5,
        description="The lines, top to bottom (at most 5; their sizes times 1.3 must add up to the height).",
    )
    extra: list[Slug] = Field(
        default_factory=list, description="Extra recipient columns the lines may name, e.g. [staffer]."
    )
    font: Annotated[str, Field(pattern=r"^[A-Za-z0-9 ]+$")] = Field(
        "Source Sans 3", description="The font family of the band text (its weight-400 upright face is used)."
    )
    height: float = Field(
        54, ge=36, le=90, description="The band's height in pt; the QR code is a square this tall."
    )


class OnePagerSpec(Strict):
    """The one-pager's block order and fitting limits."""

    blocks: list[Slug] | None = Field(None, description="Block templates in reading order.")
    pinned: list[Slug] | None = Field(None, description="Blocks set at the foot of the page (the last ones).")
    fit: Fit | None = Field(None, description="How far the one-pager may step down to fit.")
    band: Band | None = Field(None, description="The personalization band of `press personalize`.")


class LayoutSpec(Strict):
    """layouts/<id>/layout.yaml: a layout's tokens, fonts and settings; a child overrides its parent."""

    extends: Slug | None = Field(None, description="The parent layout (every layout but base has one).")
    description: str = Field("", description="What makes this layout its own, for people choosing one.")
    tokens: dict[Slug, str] = Field(
        default_factory=dict, description="Brand tokens; each becomes --name in CSS."
    )
    contrast: list[tuple[Slug, Slug]] = Field(
        default_factory=list, description="Pairs [text, background] of colour tokens that must reach 4.5:1."
    )
    fills: list[tuple[Slug, Slug]] = Field(
        default_factory=list,
        description="Pairs [fill, fill] of colour tokens that fill areas next to each other on a page (the "
        "page and a box on it, a box and a band beside it); each pair should differ by 1.6:1 in relative "
        "luminance, or a black-and-white printer prints them as one grey (a warning).",
    )
    labels: dict[Slug, str] = Field(
        default_factory=dict, description="Words the templates print (translatable)."
    )
    fonts: list[FontFace] = Field(
        default_factory=list,
        description="Font files added to the parent's (one with a parent font's family, weight and style "
        "replaces it).",
    )
    briefing: BriefingSpec = Field(default_factory=BriefingSpec, description="Briefing settings.")
    one_pager: OnePagerSpec = Field(default_factory=OnePagerSpec, description="One-pager settings.")
    _source: Source | None = PrivateAttr(None)
    _under: LayoutSpec | None = PrivateAttr(None)  # a project's base: the shipped base it is merged over

    @property
    def source(self) -> Source | None:
        """The layout.yaml this spec was loaded from (None for one made in code)."""
        return self._source

    def where(self, name: str, path: tuple = ()) -> tuple[str, int, int]:
        """The place in this layout's layout.yaml of `path` (its file when the spec was not loaded)."""
        shown = f"layouts/{name}/layout.yaml"
        return self._source.where(path) if self._source else (shown, 1, 1)


@dataclass
class Layout:
    """A resolved layout: the chain from the topic's layout up to base, and everything merged along it."""

    id: str
    chain: list[str]  # most specific first
    root: Path
    tokens: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    fonts: list[tuple[FontFace, str]] = field(default_factory=list)  # (face, path relative to project root)
    css: dict[str, list[str]] = field(
        default_factory=dict
    )  # per kind, relative to the project root, base first
    briefing: dict = field(default_factory=dict)
    one_pager: dict = field(default_factory=dict)
    fit: Fit = field(default_factory=Fit)
    env: jinja2.Environment | None = None
    band: Band | None = None  # the personalization band, from the most specific layout that sets one
    band_where: tuple | None = None  # (layer, spec) that set it, for located messages
    layers: list[tuple[str, LayoutSpec]] = field(default_factory=list)  # (layer, spec), most specific first

    def blocks(self, kind: str) -> list[str]:
        """The block templates this layout chain offers for a document kind."""
        prefix = f"blocks/{kind}/"
        return sorted(
            {
                n[len(prefix) : -8]
                for n in self.env.list_templates()
                if n.startswith(prefix) and n.endswith(".html.j2")
            }
        )


def discover(root: Path, report: Report) -> dict[str, LayoutSpec | None]:
    """Every layouts/<id>/layout.yaml, validated, and base (the shipped one, with a project's own
    layouts/base/layout.yaml merged over it); None for one with errors (reported), so that a topic using it
    is not told that it does not exist."""
    specs: dict[str, LayoutSpec | None] = {}
    paths = [(p.parent.name, p) for p in listing(root / "layouts", "*/layout.yaml", root, report)]
    if (files.SHIPPED / "layout.yaml").is_file():
        paths.insert(0, ("base", files.SHIPPED / "layout.yaml"))
    for name, path in paths:
        source = load_yaml(path, shown(path, root), report, root)
        spec = validate(LayoutSpec, source, report, "layout.yaml") if source is not None else None
        if spec is not None:
            spec._source = source
            _check_spec(name, spec, source, root, report)
        if name in specs and spec is not None:  # a project's base over the shipped one
            spec._under = specs[name]
            if specs[name] is None:
                spec = None
        specs[name] = spec
    return specs


def _plain_value(value: str) -> bool:
    """Whether a token's value is a plain CSS value: nothing that fetches, runs or breaks out of its rule."""
    return (
        bool(TOKEN_VALUE.match(value)) and "url(" not in value.lower() and "expression" not in value.lower()
    )


def _check_spec(name: str, spec: LayoutSpec, source, root: Path, report: Report) -> None:
    for token, value in spec.tokens.items():
        if not _plain_value(value):
            report.error(
                source.where(("tokens", token)),
                f"token '{token}' has a value that is not a plain CSS value: '{value}'",
                "layout.token",
            )
    for i, face in enumerate(spec.fonts):
        path = font_path(root, name, face.file)
        if refused(path, root, report):
            continue
        path = path.resolve()
        places = ((root / "layouts").resolve(), files.SHIPPED.resolve())
        if not any(place in path.parents for place in places) or not path.is_file():
            report.error(
                source.where(("fonts", i, "file")),
                f"font file '{face.file}' is not a file under layouts/",
                "layout.font",
            )
    if name != "base" and spec.extends is None:
        report.error(
            source.where(),
            f"layout '{name}' must say which layout it extends (extends: base)",
            "layout.extends",
        )


def unknown_layout(name: str, specs) -> str:
    """The message for a layout name that names none (a topic's layout:, press new topic --layout)."""
    return f"unknown layout '{name}'{did_you_mean(name, specs)}; known layouts: {one_of(specs)}"


def unknown_parent(child: str, name: str, specs) -> str:
    """The message for a parent that is no layout (a layout's extends:, press new layout --extends)."""
    return f"layout '{child}' extends unknown layout '{name}'{did_you_mean(name, specs)}"


def font_path(root: Path, layout: str, file: str) -> Path:
    """The font file a layout's `file:` names (for base, the project's copy or else the shipped one)."""
    joined = Path("layouts", layout, file)
    return joined if joined.is_absolute() else locate(root, joined.as_posix())


def _parts(spec: LayoutSpec) -> list[LayoutSpec]:
    """The layout.yaml files that make one layout, most specific first (a project's base, the shipped one)."""
    return [spec] + (_parts(spec._under) if spec._under is not None else [])


def resolve(
    name: str, specs: dict[str, LayoutSpec | None], root: Path, where: tuple, report: Report
) -> Layout | None:
    """The resolved layout `name`, or None with a located message when it is unknown or broken."""
    if name not in specs:
        report.error(where, unknown_layout(name, specs), "layout.unknown")
        return None
    chain: list[str] = []
    current: str | None = name
    while current is not None:
        if specs.get(current, False) is None:
            return None  # its layout.yaml has errors, reported there
        if current in chain:
            report.error(
                specs[current].where(current, ("extends",)),
                f"layout inheritance loops: {' -> '.join(chain + [current])}",
                "layout.extends",
            )
            return None
        if current not in specs:
            report.error(
                specs[chain[-1]].where(chain[-1], ("extends",)),
                unknown_parent(chain[-1], current, specs),
                "layout.extends",
            )
            return None
        chain.append(current)
        current = specs[current].extends
    layout = Layout(name, chain, root)
    layout.layers = [(layer, spec) for layer in chain for spec in _parts(specs[layer])]
    for layer in reversed(chain):  # base first, so children override
        for spec in reversed(_parts(specs[layer])):
            _merge(layout, layer, spec)
    for kind in KINDS + ("packet",):
        layout.css[kind] = [
            f
            for layer in reversed(chain)
            for pattern in ("css/*.css", f"css/{kind}/*.css")
            for f in layout_files(root, layer, pattern, report)
        ]
    layout.env = environment(root, chain)
    _check_resolved(layout, report)
    return layout


def _merge(layout: Layout, layer: str, spec: LayoutSpec) -> None:
    """One layout.yaml's settings over those of the layouts it extends, key by key."""
    layout.tokens.update(spec.tokens)
    layout.labels.update(spec.labels)
    for face in spec.fonts:  # a face the parent declares (family, weight, style) is replaced, in its place
        same = [i for i, (known, _) in enumerate(layout.fonts) if _face(known) == _face(face)]
        entry = (face, f"layouts/{layer}/{face.file}")
        if same:
            layout.fonts[same[0]] = entry
        else:
            layout.fonts.append(entry)
    layout.briefing.update(spec.briefing.model_dump(exclude_none=True))
    layout.one_pager.update(spec.one_pager.model_dump(exclude_none=True, exclude={"fit", "band"}))
    if spec.one_pager.band is not None:
        layout.band, layout.band_where = spec.one_pager.band, (layer, spec)
    if spec.one_pager.fit is not None:
        layout.fit = layout.fit.model_copy(update=spec.one_pager.fit.model_dump(exclude_unset=True))


def _face(face: FontFace) -> tuple[str, int, str]:
    """What makes a font face the same face: its family, weight and style."""
    return face.family, face.weight, face.style


def _check_resolved(layout: Layout, report: Report) -> None:
    for kind, key in (("briefing", "briefing"), ("one-pager", "one_pager")):
        known = layout.blocks(kind)
        for field_name in ("blocks", "pinned"):
            layer, spec = next(
                ((x, s) for x, s in layout.layers if getattr(getattr(s, key), field_name, None)), (None, None)
            )
            for i, name in enumerate(getattr(getattr(spec, key), field_name) or [] if spec else []):
                if name not in known:
                    report.error(
                        spec.where(layer, (key, field_name, i)),
                        f"{kind} block '{name}' has no template{did_you_mean(name, known)}; "
                        f"known blocks: {', '.join(known)}",
                        "layout.block",
                    )
    for (text, background), where in _declared_pairs(layout, "contrast"):
        ratio = contrast(layout.tokens.get(text, ""), layout.tokens.get(background, ""))
        if ratio is None and not all(_plain_value(layout.tokens.get(t, "")) for t in (text, background)):
            continue  # a token that is not a plain value is reported where it is set
        if ratio is None:
            report.error(
                where,
                f"contrast pair [{text}, {background}] must name two #rrggbb colour tokens",
                "layout.contrast",
            )
        elif ratio < 4.5:
            where = token_where(layout, (text, background)) or where
            report.error(
                where,
                f"text colour '{text}' on '{background}' has contrast {ratio:.2f}:1 in layout "
                f"'{layout.id}'; at least 4.5:1 is needed",
                "layout.contrast",
            )
    _check_fills(layout, report)
    fit = layout.fit
    if fit.body_min > fit.body_max:
        layer, spec = next((x, s) for x, s in layout.layers if s.one_pager.fit is not None)
        report.error(
            spec.where(layer, ("one_pager", "fit")),
            f"one_pager.fit.body_min ({fit.body_min:g}pt) is above body_max ({fit.body_max:g}pt)",
            "layout.fit",
        )


def token_where(layout: Layout, tokens: tuple[str, ...]) -> tuple | None:
    """Where the most specific layout of the chain sets one of `tokens`: the value to change."""
    for layer, spec in layout.layers:
        for token in tokens:
            if token in spec.tokens:
                return spec.where(layer, ("tokens", token))
    return None


def _check_fills(layout: Layout, report: Report) -> None:
    """Fills declared side by side that a black-and-white printer would print as one grey (a warning at the
    token to change, in the most specific layout that sets one)."""
    tokens = layout.tokens
    for (first, second), where in _declared_pairs(layout, "fills"):
        ratio = contrast(tokens.get(first, ""), tokens.get(second, ""))
        if ratio is None and any(t in tokens and not _plain_value(tokens[t]) for t in (first, second)):
            continue  # a token that is not a plain value is reported where it is set
        if ratio is None:
            message = f"fill pair [{first}, {second}] must name two #rrggbb colour tokens"
            report.error(where, message, "layout.grayscale")
        elif ratio < GRAYSCALE_MIN:
            report.warning(
                token_where(layout, (first, second)) or where,
                f"fills '{first}' ({tokens[first]}) and '{second}' ({tokens[second]}) sit side by side but "
                f"differ only {ratio:.2f}:1 in lightness in layout '{layout.id}', so a black-and-white "
                f"printer prints them as one grey; make them at least {GRAYSCALE_MIN:g}:1 apart",
                "layout.grayscale",
            )


def _declared_pairs(layout: Layout, key: str) -> list[tuple[tuple[str, str], tuple]]:
    """Every pair of the chain's `key` (contrast, fills), once, with where it was declared."""
    pairs: dict[tuple[str, str], tuple] = {}
    for layer, spec in reversed(layout.layers):
        for i, pair in enumerate(getattr(spec, key)):
            pairs.setdefault(tuple(pair), spec.where(layer, (key, i)))
    return list(pairs.items())


class _Loader(jinja2.FileSystemLoader):
    """Templates from layout folders; one that a symbolic link takes out of the project is never opened."""

    def __init__(self, searchpath, root: Path):
        super().__init__(searchpath)
        self.root = root

    def get_source(self, environment, template):
        pieces = split_template_path(template)
        for folder in self.searchpath:
            path = Path(folder, *pieces)
            problem = Report()
            if path.is_file() and refused(path, self.root, problem):
                raise TemplateRefused(problem.items[0], template)
            if path.is_file():
                break
        return super().get_source(environment, template)


class TemplateRefused(jinja2.TemplateError):
    """A template file that a link takes out of the project; `diagnostic` says where and why."""

    def __init__(self, diagnostic, name: str):
        super().__init__(f"template '{name}': {diagnostic.message}")
        self.diagnostic = diagnostic


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox (no Python internals, no changing the data it is given), with `*` and `**` kept from
    making values so big that rendering would stall or fill memory."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator: str, left, right):
        numbers = all(isinstance(x, int) and not isinstance(x, bool) for x in (left, right))
        if operator == "**" and numbers and abs(left) > 1 and right * max(abs(left).bit_length(), 1) > 4096:
            raise SecurityError(f"{left} ** {right} is too big a number for a template")
        if operator == "*" and not numbers:
            sized, count = (left, right) if isinstance(right, int) else (right, left)
            if (
                isinstance(sized, (str, list, tuple))
                and isinstance(count, int)
                and len(sized) * count > 100_000
            ):
                raise SecurityError("repeating a text or list more than 100,000 items long in a template")
        return super().call_binop(context, operator, left, right)


def template_dirs(root: Path, layer: str) -> list[str]:
    """Where a layer's templates are: its folder; for base, the project's copies, then the shipped ones."""
    found = [str(root / "layouts" / layer / "templates")]
    return found + [str(files.SHIPPED / "templates")] * (layer == "base")


def environment(root: Path, chain: list[str]) -> jinja2.Environment:
    """Templates looked up most specific first; `base/x.html.j2` names the parent's file explicitly. They run
    in Jinja's sandbox: a layout may come from another organization, and must not reach Python internals."""
    dirs = [folder for layer in chain for folder in template_dirs(root, layer)]
    prefixed = {layer: _Loader(template_dirs(root, layer), root) for layer in chain}
    return _Sandbox(
        loader=jinja2.ChoiceLoader([_Loader(dirs, root), jinja2.PrefixLoader(prefixed)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_template(template: jinja2.Template, context: dict) -> str:
    """`template` rendered; any exception raised by template code (a division by zero, a wrong type) becomes a
    TemplateRuntimeError that keeps the template's place."""
    try:
        return template.render(context)
    except jinja2.TemplateError:
        raise
    except Exception as exc:
        if _template_place(exc.__traceback__) is None:
            raise  # not the template's doing
        error = jinja2.TemplateRuntimeError(f"{type(exc).__name__}: {exc}")
        raise error.with_traceback(exc.__traceback__) from None


def font_face_css(layout: Layout) -> str:
    """@font-face rules for the layout's declared fonts (URLs relative to the project root)."""
    rules = []
    for face, rel in layout.fonts:
        rules.append(
            f'@font-face {{ font-family: "{face.family}"; src: url("{rel}"); '
            f"font-weight: {face.weight}; font-style: {face.style}; }}"
        )
    return "\n".join(rules)


def token_css(layout: Layout) -> str:
    """The layout's tokens as CSS custom properties on :root."""
    lines = [f"  --{name}: {value};" for name, value in sorted(layout.tokens.items())]
    return ":root {\n" + "\n".join(lines) + "\n}"


def _template_place(tb) -> tuple[str, int] | None:
    """(template file, line) of the innermost template frame in a traceback, as Jinja's debug support
    rewrites it (or as compiled template code runs)."""
    place = None
    while tb is not None:
        frame = tb.tb_frame
        template = frame.f_globals.get("__jinja_template__")
        if "__jinja_exception__" in frame.f_globals:
            place = (frame.f_code.co_filename, tb.tb_lineno)
        elif template is not None and template.filename:
            place = (template.filename, template.get_corresponding_lineno(tb.tb_lineno))
        tb = tb.tb_next
    return place


def template_error(exc: jinja2.TemplateError, root: Path, report: Report) -> None:
    """Report a template problem at the template's file and line (or the layouts folder for a missing one)."""
    if isinstance(exc, TemplateRefused):
        d = exc.diagnostic
        report.add(d.path, d.line, d.col, d.severity, d.message, d.code)
        return
    filename, line = getattr(exc, "filename", None) or "", getattr(exc, "lineno", 0) or 0
    if not isinstance(exc, jinja2.TemplateSyntaxError):
        filename, line = _template_place(exc.__traceback__) or ("", 0)
    if filename:
        filename = shown(Path(filename).resolve(), root.resolve())
    message = exc.message or type(exc).__name__
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template '{exc.name}' is in no layout of the chain"
    elif isinstance(exc, SecurityError):
        message += " (layout templates run in Jinja's sandbox)"
    report.error(
        (filename or "layouts", line, 1 if line else 0),
        message if isinstance(exc, jinja2.TemplateNotFound) else f"template error: {message}",
        "layout.template",
    )

"""Rendering a template's subject and body in a sandbox: only the fields of gdt.services.letters.fields, no
attributes of anything, no other templates (include, import, extends are refused when parsed and by the loader).

A template that fails (a syntax error, an unknown field, a sandbox violation) raises ValidationFailed with a Dutch
message for the field ("subject" or "body"), never an exception the web layer would answer with a 500.
"""
import re

from flask_babel import lazy_gettext as _l
from jinja2 import (
    BaseLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    nodes,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from gdt.services.core.errors import ValidationFailed
from gdt.services.letters.fields import DEMO_FIELDS, FIELDS

OUTPUT_MAX = 100_000  # characters a body may render to: a loop must not make a letter of a thousand pages
_REFUSED_NODES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)
# What could keep a render busy or make it huge: loops, macros, multiplying ("x" * 10**9) and variables (each
# {% set a = b ~ b %} doubles). Without them the output grows only with the template's own length; a letter needs
# fields, {% if %} and a few filters, nothing more.
_COSTLY_NODES = (nodes.For, nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.Mul, nodes.Pow, nodes.Assign,
                 nodes.AssignBlock, nodes.With)
SAFE_FILTERS = ("upper", "lower", "capitalize", "title", "trim", "default", "d", "e", "escape", "length", "first",
                "last", "striptags")  # none that widens a text (center, indent, replace)
_BLOCK_START = re.compile(r"^\s*<(p|ul|ol|h[1-6]|table|div|blockquote)\b", re.IGNORECASE)


class _NoTemplates(BaseLoader):
    """A letter reaches no other template, whatever it names."""

    def get_source(self, environment, template):
        raise TemplateNotFound(template)


def _environment(autoescape: bool) -> ImmutableSandboxedEnvironment:
    environment = ImmutableSandboxedEnvironment(loader=_NoTemplates(), autoescape=autoescape,
                                                undefined=StrictUndefined)
    environment.globals.clear()  # no range, lipsum, dict, namespace …: the fields are all a template has
    environment.filters = {name: environment.filters[name] for name in SAFE_FILTERS}
    return environment


_HTML = _environment(True)
_TEXT = _environment(False)  # the subject: one line of text, escaped where the letter prints it

NO_TEMPLATES = _l("Een briefsjabloon kan geen andere sjablonen gebruiken (include, import, extends).")
FORBIDDEN = _l("Dit kan niet in een briefsjabloon: alleen de velden uit de lijst zijn beschikbaar, zonder "
               "eigenschappen of functies daarvan.")
COSTLY = _l("Een briefsjabloon kent velden, {% if %} … {% endif %} en eenvoudige filters (zoals upper), maar geen "
             "herhalingen (for), variabelen (set, with), macro's of vermenigvuldigen.")
TOO_LONG = _l("De brief wordt te lang. Kijk of een herhaling in het sjabloon klopt.")


def render_body(body: str, values: dict[str, str]) -> Markup:
    """The body as HTML: fields escaped, the admin's own tags kept; a blank line starts a paragraph."""
    html = str(_render(_HTML, body, values, "body"))
    if len(html) > OUTPUT_MAX:
        raise ValidationFailed({"body": str(TOO_LONG)})
    return paragraphs(html)


def render_subject(subject: str, values: dict[str, str]) -> str:
    return " ".join(_render(_TEXT, subject, values, "subject").split())


def check(subject: str, body: str) -> None:
    """Refuse (ValidationFailed on its field) a template that does not render with the demo values."""
    errors = {}
    for field, render, source in (("subject", render_subject, subject), ("body", render_body, body)):
        try:
            render(source, DEMO_FIELDS)
        except ValidationFailed as failed:
            errors[field] = failed.errors.get(field) or failed.message
    if errors:
        raise ValidationFailed(errors)


def paragraphs(html: str) -> Markup:
    """Chunks between blank lines as paragraphs (a chunk that opens with a block tag stays as it is); a single
    line break inside a paragraph stays a line break."""
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", html.replace("\r\n", "\n")) if chunk.strip()]
    out = []
    for chunk in chunks:
        if _BLOCK_START.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + "<br>\n".join(chunk.split("\n")) + "</p>")
    return Markup("\n".join(out))


def _render(environment: ImmutableSandboxedEnvironment, source: str, values: dict[str, str], field: str) -> str:
    try:
        parsed = environment.parse(source)
        if any(True for _ in parsed.find_all(_REFUSED_NODES)):
            raise ValidationFailed({field: str(NO_TEMPLATES)})
        if any(True for _ in parsed.find_all(_COSTLY_NODES)):
            raise ValidationFailed({field: str(COSTLY)})
        unknown = _unknown_names(parsed)
        if unknown:  # `self`, `loop` and the like are Jinja's own names: a letter knows only its fields
            raise ValidationFailed({field: _unknown_message(unknown[0])})
        return environment.from_string(parsed).render({name: values.get(name, "") for name in FIELDS})
    except TemplateSyntaxError as error:
        raise ValidationFailed({field: str(_l("Fout in het sjabloon op regel %(line)d: %(detail)s. Controleer de "
                                              "{{ }} en {%% %%}.", line=error.lineno or 1,
                                              detail=error.message or ""))}) from None
    except TemplateNotFound:
        raise ValidationFailed({field: str(NO_TEMPLATES)}) from None
    except SecurityError:
        raise ValidationFailed({field: str(FORBIDDEN)}) from None
    except UndefinedError as error:
        raise ValidationFailed({field: _unknown(error)}) from None
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError, AttributeError, OverflowError):
        raise ValidationFailed({field: str(FORBIDDEN)}) from None


def _unknown_names(parsed: nodes.Template) -> list[str]:
    return [name.name for name in parsed.find_all(nodes.Name) if name.name not in FIELDS]


def _unknown(error: UndefinedError) -> str:
    found = re.search(r"'([^']+)' is undefined", str(error))
    return _unknown_message(found.group(1)) if found else str(FORBIDDEN)


def _unknown_message(name: str) -> str:
    return str(_l("%(name)s is geen veld van een brief. Beschikbaar zijn: %(known)s.", name=name,
                  known=", ".join(FIELDS)))



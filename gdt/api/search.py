"""`GET /api/v1/search?q=`: the one search box for staff tokens, the same service and need-to-know as the page
(gdt.services.search). The terms are in the query string here (a GET, as the API's rules want); the request logs
name the route, never the query (gdt.logs), and the development server's request log masks it (gdt.log_filters).
Every search is in the audit trail with its terms."""
import marshmallow as ma
from marshmallow import fields, validate

from gdt.api import blueprint
from gdt.api.auth import api_user, staff
from gdt.api.docs import API_VERSION_HEADER
from gdt.api.staff_schemas import StrictSchema, problems
from gdt.services import search as service

blp = blueprint("search", "Zoeken in meldingen, casussen, personen en adressen, binnen uw need-to-know.")

PER_GROUP_MAX = 50


class SearchArgumentsSchema(StrictSchema):
    q = fields.String(required=True, validate=validate.Length(max=service.terms.MAX_LENGTH),
                      metadata={"description": "Kenmerk, postcode met huisnummer, straat, naam, telefoonnummer, "
                                               "e-mailadres, ketenpartner of woorden uit een omschrijving of notitie "
                                               f"(ten minste {service.terms.MIN_LENGTH} tekens)."},
                      error_messages={"required": "Geef een zoekterm mee in q."})
    per_group = fields.Integer(data_key="perGroup", load_default=10,
                               validate=validate.Range(min=1, max=PER_GROUP_MAX, error=f"Kies 1 tot en met "
                                                                                       f"{PER_GROUP_MAX}."))


class PartSchema(ma.Schema):
    text = fields.String()
    matched = fields.Boolean(metadata={"description": "Een gevonden woord: markeer het (als tekst, nooit als HTML)."})


class ContextSchema(ma.Schema):
    label = fields.String()
    value = fields.String()


class HitSchema(ma.Schema):
    kind = fields.String(metadata={"description": "report, case, person of address."})
    key = fields.String(metadata={"description": "Het kenmerk, het nummer van de persoon of het adres; leeg bij "
                                                 "alleen 'bekend'."})
    title = fields.List(fields.Nested(PartSchema))
    matched_on = fields.String(metadata={"description": "Waarin het gevonden is (Omschrijving, Naam, …)."})
    snippet = fields.List(fields.Nested(PartSchema))
    address = fields.List(fields.Nested(PartSchema), attribute="address_parts")
    context = fields.Method("_context", metadata={"description": "Categorie, status, geboortedatum."})
    when = fields.Raw(metadata={"description": "Ontvangen, geopend of geregistreerd (ISO 8601)."})
    when_label = fields.String()
    count = fields.Integer(allow_none=True, metadata={"description": "Alleen 'bekend' (intake): hoe vaak."})
    linked = fields.Boolean(metadata={"description": "false: u mag weten dat het bestaat, niet wat of waar."})
    score = fields.Float()

    def _context(self, hit):
        return [{"label": label, "value": value} for label, value in hit.context]


class SearchResultsSchema(ma.Schema):
    terms = fields.String()
    kind = fields.String(metadata={"description": "Hoe de zoekterm gelezen is: reference, address, email, phone, "
                                                  "birth_date of words."})
    reports = fields.List(fields.Nested(HitSchema))
    cases = fields.List(fields.Nested(HitSchema))
    people = fields.List(fields.Nested(HitSchema))
    addresses = fields.List(fields.Nested(HitSchema))


@blp.route("/search")
@staff(*service.SEARCH_ROLES)
@blp.arguments(SearchArgumentsSchema, location="query", unknown=ma.RAISE)
@blp.response(200, SearchResultsSchema, headers={"API-Version": API_VERSION_HEADER})
@problems(blp, 401, 403, 422)
@blp.doc(summary="Zoeken", description="Eén zoekvak: meldingen, casussen, personen en adressen, per groep de beste "
         "eerst, met de gevonden woorden gemarkeerd. Alleen wat u ook mag openen: intake de eigen registraties (van "
         "een adres of persoon alleen dát het bekend is), een ketenpartner de eigen casussen en aanmeldingen. "
         "Elke zoekopdracht staat met de zoekterm in de auditlog.")
def search(arguments: dict):
    results = service.run_search(api_user(), arguments["q"], per_group=arguments["per_group"])
    return results, {"Cache-Control": "no-store"}

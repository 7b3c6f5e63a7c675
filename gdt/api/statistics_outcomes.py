"""The OpenAPI schemas of `GET /api/v1/statistics/outcomes?year=` ("Werkt het?", gdt.services.reporting.outcomes).

A count that could point at a household (1 … threshold − 1) is `null` with `suppressed: true`, and so is every share,
mean or median that rests on it; totals are exact.
"""
import marshmallow as ma
from marshmallow import fields

from gdt.api.staff_schemas import StrictSchema

SUPPRESSED = "null als het aantal 1 tot de drempel is (suppressed = true)."
SHARE = "Percentage binnen de tabel, één decimaal; null als het op een afgeschermd of te klein aantal rust."


class OutcomesArgumentsSchema(StrictSchema):
    year = fields.Integer(required=True, strict=False, metadata={"description": "Het jaar (Nederlandse tijd)."},
                          error_messages={"required": "Geef een jaar mee in year.", "invalid": "Geef een jaartal."})


class ShareSchema(ma.Schema):
    key = fields.String()
    label = fields.String()
    count = fields.Integer(allow_none=True, metadata={"description": SUPPRESSED})
    percent = fields.Float(allow_none=True, metadata={"description": SHARE})
    suppressed = fields.Boolean()


class BreakdownSchema(ma.Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(ShareSchema))


class WindowSchema(ma.Schema):
    months = fields.Integer(metadata={"description": "6 of 12 maanden na het sluiten."})
    measured = fields.Integer(metadata={"description": "Gesloten casussen waarvan de termijn voorbij is."})
    recurred = fields.Integer(allow_none=True, metadata={"description": "Daarvan met een nieuwe melding; "
                                                                        + SUPPRESSED})
    suppressed = fields.Boolean()
    percent = fields.Float(allow_none=True, metadata={"description": SHARE})
    too_recent = fields.Integer(metadata={"description": "Korter dan de termijn geleden gesloten."})


class RecurrenceSchema(ma.Schema):
    closed = fields.Integer(metadata={"description": "Casussen gesloten in het jaar."})
    untraceable = fields.Integer(metadata={"description": "Inmiddels vernietigd: niet meer na te gaan."})
    windows = fields.List(fields.Nested(WindowSchema))


class DurationSchema(ma.Schema):
    key = fields.String(metadata={"description": "advice, regie of undecided."})
    label = fields.String()
    count = fields.Integer(allow_none=True, metadata={"description": SUPPRESSED})
    suppressed = fields.Boolean()
    median_days = fields.Float(allow_none=True, metadata={"description": "Dagen van opening tot sluiten."})
    p90_days = fields.Float(allow_none=True)


class DurationsSchema(ma.Schema):
    by_mode = fields.List(fields.Nested(DurationSchema))


class SatisfactionSchema(ma.Schema):
    total = fields.Integer()
    mean = fields.Float(allow_none=True, metadata={"description": "Gemiddelde score; null bij te weinig antwoorden."})
    by_score = fields.List(fields.Nested(ShareSchema))


class OutcomesSchema(ma.Schema):
    year = fields.Integer()
    small_cell_threshold = fields.Integer()
    interventions = fields.Nested(BreakdownSchema, metadata={"description": "Per soort, in het jaar van het besluit."})
    closed_cases = fields.Nested(BreakdownSchema, metadata={"description": "Per resultaat, in het jaar van sluiten."})
    recurrence = fields.Nested(RecurrenceSchema)
    durations = fields.Nested(DurationsSchema)
    satisfaction = fields.Nested(SatisfactionSchema)

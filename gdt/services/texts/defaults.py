"""The standard texts a new installation starts with, one per moment and for every category.

Plain data only: the migration that creates the table seeds these rows, `ensure_defaults()` (flask setup, the demo)
adds the ones missing, and the automatic mails fall back on them while no active text exists for a moment. The
receipt, referred and closed texts are the wording those mails had before texts were configurable.
"""

# (moment, title, body)
DEFAULT_TEXTS = (
    ("receipt", "Ontvangst: wat gebeurt er nu",
     "Een medewerker van het De-escalatieteam van de gemeente beoordeelt uw melding. Wij zorgen\n"
     "dat de organisatie die er iets aan kan doen de melding oppakt, of het team gaat er zelf mee\n"
     "aan de slag. Als wij meer informatie van u nodig hebben, nemen wij contact met u op."),
    ("referred", "Doorgezet naar een ketenpartner",
     "Uw melding is in behandeling. De organisatie die er iets aan kan doen, pakt haar op."),
    ("taken_on", "Opgepakt door het team",
     "Uw melding is in behandeling. Het De-escalatieteam van {gemeente} gaat er zelf mee aan de slag."),
    ("question", "Vraag over de melding",
     "Over uw melding {kenmerk} van {datum_ontvangen} hebben wij een vraag.\n\n"),
    ("closed", "Afgehandeld",
     "Uw melding is afgehandeld. Houdt de overlast aan of wordt het erger, doe dan een nieuwe melding."),
    ("partner", "Vraag aan de ketenpartner",
     "Wij hebben melding {kenmerk} ({categorie}) van {datum_ontvangen} aan u doorgezet. Wilt u ons laten weten "
     "wat u ermee doet?"),
)
DEFAULT_BODIES = {moment: body for moment, _title, body in DEFAULT_TEXTS}

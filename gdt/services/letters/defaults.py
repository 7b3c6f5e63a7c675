"""The letter templates a new installation starts with: plain data, so the migration that creates the table, `flask
setup` and the demo (`ensure_defaults()`) share one definition.

Bodies are Jinja over the fields of gdt/services/letters/fields.py; a blank line starts a new paragraph. The objection
clause of a decision is not in its body: the letter layout prints it for every decision (templates/letters/pdf.html).
"""

# (name, is_decision, subject, body)
DEFAULT_TEMPLATES = (
    ("Uitnodiging voor een gesprek", False, "Uitnodiging voor een gesprek",
     "Geachte {{ geadresseerde }},\n\n"
     "Bij de gemeente zijn meldingen binnengekomen over overlast rond {{ adres }}. Wij willen graag met u in "
     "gesprek om te horen hoe u de situatie ervaart, en om samen te kijken wat er nodig is om de overlast te "
     "laten stoppen.\n\n"
     "{% if afspraak %}Wij nodigen u uit voor een gesprek op {{ afspraak }}.{% else %}Wij nemen binnenkort contact "
     "met u op om een afspraak te maken.{% endif %} Past dit moment u niet, of wilt u dat iemand met u meekomt? "
     "Neem dan contact op met {{ coordinator }} van het De-escalatieteam en vermeld ons kenmerk {{ kenmerk }}."
     "\n\n{% if toelichting %}{{ toelichting }}{% endif %}\n\n"
     "Wij hopen u te spreken."),
    ("Waarschuwingsbrief", False, "Waarschuwing: overlast vanuit uw woning",
     "Geachte {{ geadresseerde }},\n\n"
     "De gemeente heeft opnieuw meldingen ontvangen over ernstige en herhaaldelijke overlast vanuit uw woning aan "
     "{{ adres }}. Eerder hebben wij u gevraagd de overlast te beëindigen. Helaas is de overlast niet gestopt."
     "\n\n{% if toelichting %}{{ toelichting }}{% endif %}\n\n"
     "Met deze brief waarschuwen wij u. Wij verzoeken u dringend de overlast vanaf nu te stoppen. Houdt de "
     "overlast aan, dan kan de burgemeester maatregelen nemen op grond van artikel 151d van de Gemeentewet (Wet "
     "aanpak woonoverlast), zoals een gedragsaanwijzing. Een gedragsaanwijzing kan worden versterkt met een last "
     "onder dwangsom.\n\n"
     "Wij bieden u graag hulp aan om de situatie te verbeteren. Neem hiervoor contact op met {{ coordinator }} van "
     "het De-escalatieteam en vermeld ons kenmerk {{ kenmerk }}."),
    ("Voornemen gedragsaanwijzing", False, "Voornemen tot het opleggen van een gedragsaanwijzing",
     "Geachte {{ geadresseerde }},\n\n"
     "De burgemeester van {{ gemeente }} is van plan u een gedragsaanwijzing op te leggen op grond van artikel 151d "
     "van de Gemeentewet. In deze brief leest u waarom, en hoe u hierop kunt reageren voordat de burgemeester een "
     "besluit neemt.\n\n"
     "<h2>Waarom dit voornemen</h2>\n\n"
     "Vanuit uw woning aan {{ adres }} wordt ernstige en herhaaldelijke overlast veroorzaakt voor omwonenden. "
     "Gesprekken en een waarschuwing hebben er niet toe geleid dat de overlast is gestopt."
     "\n\n{% if toelichting %}{{ toelichting }}{% endif %}\n\n"
     "<h2>Wat een gedragsaanwijzing inhoudt</h2>\n\n"
     "Met een gedragsaanwijzing verplicht de burgemeester u zich zo te gedragen dat de overlast stopt. De "
     "burgemeester kan bijvoorbeeld bepalen dat u meewerkt aan begeleiding of hulpverlening, of dat u bepaalde "
     "handelingen niet meer verricht.\n\n"
     "<h2>Uw zienswijze</h2>\n\n"
     "Voordat de burgemeester een besluit neemt, kunt u laten weten wat u van dit voornemen vindt (artikel 4:8 van "
     "de Algemene wet bestuursrecht). Dit heet een zienswijze. Stuur uw zienswijze binnen twee weken na de datum van "
     "deze brief schriftelijk aan de burgemeester van {{ gemeente }} en vermeld ons kenmerk {{ kenmerk }}. U kunt "
     "uw zienswijze ook mondeling geven: maak daarvoor een afspraak met {{ coordinator }} van het "
     "De-escalatieteam.\n\n"
     "De burgemeester betrekt uw zienswijze bij het besluit. Reageert u niet binnen twee weken, dan neemt de "
     "burgemeester een besluit zonder uw zienswijze."),
    ("Besluit gedragsaanwijzing", True, "Besluit gedragsaanwijzing (artikel 151d Gemeentewet)",
     "Geachte {{ geadresseerde }},\n\n"
     "Eerder heeft de burgemeester u laten weten van plan te zijn u een gedragsaanwijzing op te leggen, en u de "
     "gelegenheid gegeven daarop uw zienswijze te geven. In deze brief leest u het besluit."
     "\n\n{% if toelichting %}{{ toelichting }}{% endif %}\n\n"
     "<h2>Besluit</h2>\n\n"
     "De burgemeester van {{ gemeente }} besluit u op grond van artikel 151d van de Gemeentewet een "
     "gedragsaanwijzing op te leggen voor uw woning aan {{ adres }}. De gedragsaanwijzing geldt vanaf de dag na "
     "verzending van dit besluit, voor de duur van zes maanden.\n\n"
     "<h2>Wat u moet doen</h2>\n\n"
     "<ul><li>U gedraagt zich zo dat u geen ernstige en herhaaldelijke overlast veroorzaakt voor omwonenden.</li>"
     "<li>U werkt mee aan de begeleiding die {{ coordinator }} van het De-escalatieteam met u afspreekt.</li></ul>\n\n"
     "<h2>Waarom dit besluit</h2>\n\n"
     "Vanuit uw woning wordt ernstige en herhaaldelijke overlast veroorzaakt. Gesprekken, hulpaanbod en een "
     "waarschuwing hebben de overlast niet gestopt. De burgemeester vindt een gedragsaanwijzing daarom nodig, en "
     "in verhouding tot de overlast die omwonenden ervaren.\n\n"
     "<h2>Als u zich niet aan de gedragsaanwijzing houdt</h2>\n\n"
     "Houdt u zich niet aan de gedragsaanwijzing, dan kan de burgemeester een last onder dwangsom of bestuursdwang "
     "opleggen."),
)

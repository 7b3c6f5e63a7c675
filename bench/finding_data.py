"""Data for the "finding things" benchmarks (bench/search.py, bench/map.py): reports, cases, people and places.

Run from the repository root to see what it loads and how long it takes:

    .venv/bin/python bench/finding_data.py [--reports 1000000] [--cases 100000] [--people 150000]
    .venv/bin/python bench/finding_data.py --reports 10000                    # a quick run (seconds)

`load(connection, ...)` fills an empty schema with one INSERT … SELECT over generate_series per table, from word
lists (Dutch first and last names, Eindhoven streets, the phrases residents use), in Eindhoven's extent:

* addresses: one per ten reports, in blocks of 12 numbers on a street with one postcode (PC4 from the place, so
  neighbouring blocks share it); 15 % of the reports go to 1 000 "hot" addresses (the busiest has ~1 500 reports
  at 1 M), the rest evenly over all;
* reports over the last N years (default 5): 3 % partner registrations (with their partner_registrations row and
  the partner's user as registrant), 25 % anonymous, the others with a name, a phone, often an e-mail; a
  description of two sentences from ~40 complaints × ~30 actors × ~25 moments × ~80 details; the last 10 days
  untriaged, referrals of the last 60 days still open; every (reports / cases)th report escalated to its case;
  coordinates (RD and WGS84) from the address when the reports table has lat, lon, rd_x, rd_y;
* cases: one per escalated report, coordinators 1–10 (unevenly), open when opened within 120 days (and 3 % of
  older ones), half with 1–3 case partners, 1–3 case parties, 3 journal notes each;
* people (Person + PersonAddress + PersonLink): 1.5 per case, each linked to a case, 20 % to a second one, and
  40 000 links to reports.

Then VACUUM ANALYZE. Users: coordinators 1–10, intake 11, manager 12 and one partner user per partner (20 + its
row number: `partner_user(connection, key)`).
"""
import argparse
import platform
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # run as a script: import the project, not bench/ siblings (bench/statistics.py!)

import psycopg
from faker.providers.person.nl_NL import Provider as DutchNames

from gdt.services.geo import rd

COORDINATORS = 10
EXTENT = {"x_min": 155_000, "x_max": 166_000, "y_min": 379_000, "y_max": 390_000}  # Eindhoven, RD (EPSG:28992)
HOT_ADDRESSES = 1_000

# The most common Dutch surnames (CBS), some Eindhoven families and newer Dutch names; Faker's list adds the tail.
COMMON_LAST_NAMES = [
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
    "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan",
    "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Bruin", "van der Heijden",
    "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster",
    "van Dam", "van der Wal", "Prins", "Blom", "Huisman", "Peeters", "de Jonge", "Kuipers", "van Veen", "Post",
    "Kuiper", "Veenstra", "Kramer", "van den Brink", "Scholten", "van Wijk", "Postma", "Martens", "Vink",
    "de Ruiter", "Timmermans", "Groen", "Gerritsen", "Jonker", "van Loon", "Boer", "van der Velde", "Willemsen",
    "Smeets", "de Lange", "de Vos", "Bosch", "van Dongen", "Schipper", "de Koning", "van der Laan", "Koning",
    "Driessen", "van Doorn", "Hermans", "Evers", "van den Bosch", "van der Meulen", "Hofman", "Bosman", "Wolters",
    "van Gerwen", "van Asten", "Swinkels", "van de Laar", "Aarts", "van Rooij", "Verhagen", "van Hout", "Coolen",
    "Yilmaz", "Kaya", "Demir", "El Amrani", "Bouzid", "Ahmadi", "Nguyen", "Pinas", "Kartosen", "Öztürk",
]
FIRST_NAMES = sorted(set(DutchNames.first_names_male + DutchNames.first_names_female))
LAST_NAMES = COMMON_LAST_NAMES * 4 + [name for name in DutchNames.last_names
                                      if name.isalpha() and name[0].isupper() and len(name) <= 12]
STREETS = [
    "Stratumseind", "Kruisstraat", "Woenselse Markt", "Boschdijk", "Hoogstraat", "Leenderweg", "Aalsterweg",
    "Tongelresestraat", "Kastanjelaan", "Vestdijk", "Geldropseweg", "Strijpsestraat", "Hastelweg",
    "Meerhovendreef", "Tramstraat", "Willemstraat", "Edisonstraat", "Frederiklaan", "Kronehoefstraat",
    "Montgomerylaan", "Pastoriestraat", "Gestelsestraat", "Hertogstraat", "Bergstraat", "Stationsplein",
    "Kleine Berg", "Dommelstraat", "Wilhelminaplein", "Hoefkestraat", "Fazantlaan", "Sperwerlaan", "Kievitlaan",
    "Roostenlaan", "Karel de Grotelaan", "Boutenslaan", "Bennekelstraat", "Heezerweg", "Sterrenlaan",
    "Planetenlaan", "Jupiterstraat", "Saturnusstraat", "Orionstraat", "Venusstraat", "Marconilaan", "Hurksestraat",
    "Beemdstraat", "Sint Trudoplein", "Lijmbeekstraat", "Wolfstraat", "Anna Paulownastraat", "Prins Hendrikstraat",
    "Burgemeester Van Hooffln", "Castiliëlaan", "Generaal Coenderslaan", "Insulindelaan", "Javalaan",
    "Celebesstraat", "Sumatralaan", "Floralaan", "Gagelstraat", "Kapelstraat", "Urkhovenseweg", "Ouverture",
    "Dorgelolaan", "Piuslaan", "Limbeek", "Schootsestraat", "Vlokhovenseweg", "Doornakkersweg", "Ruysdaelbaan",
    "Hugo van der Goeslaan", "Jan Smitzlaan", "Botenlaan", "Blaarthemseweg", "Welschapsedijk", "Zeelsterstraat",
    "Meerenakkerweg", "Heistraat", "Ds. Fliednerstraat", "Tivolistraat", "Generaal Cronjéstraat",
]
OPENERS = ["Sinds een paar weken", "Al maanden", "Opnieuw", "Vanaf vorige week", "Sinds de zomer", "Al jaren",
           "Vannacht weer", "Steeds vaker", "Sinds kort", "De laatste tijd", "Elke week", "Gisteren opnieuw"]
COMPLAINTS = [
    "is er geluidsoverlast", "wordt er harde muziek gedraaid", "is er ruzie en geschreeuw", "blaft de hond urenlang",
    "ligt er afval en grofvuil", "stinkt het naar hennep", "wordt er gedeald", "worden bewoners geïntimideerd",
    "wordt er gescholden en gedreigd", "is er stankoverlast", "staat de tuin vol rommel", "lekt er water",
    "wordt er met deuren gesmeten", "wordt er gebonkt op de muur", "is er overlast van bezoek", "wordt er geklust",
    "wordt de galerij vervuild", "is er vuurwerk", "wordt er geparkeerd op de stoep", "lopen ratten rond",
    "is er overlast van duiven", "wordt de trap bevuild", "staan scooters te ronken", "wordt er gerookt in het portiek",
    "zijn er inbraken", "brandt de houtkachel", "is er verward gedrag", "wordt er gevochten", "wordt er gespuugd",
    "gaat het alarm af", "is er drugsoverlast", "zijn er dreigende berichten", "staat de woning leeg en verloederd",
    "wordt er gebarbecued op het balkon", "komen er veel auto's langs", "wordt er vernield", "is er hondenpoep",
    "hangt er een vieze lucht", "zijn er feesten tot diep in de nacht", "wordt er geschreeuwd tegen kinderen",
]
ACTORS = ["door de buren", "door de bovenburen", "door de onderburen", "door de bewoner van hiernaast",
          "door jongeren op het plein", "door bezoekers van de woning", "door de huurder", "door de verhuurder",
          "door een groep mannen", "door de nieuwe bewoners", "door de bewoner op de hoek", "door onbekenden",
          "door de hondenbezitter", "door de kamerbewoners", "door de eigenaar", "door een vrouw met kinderen",
          "door de man van driehoog", "door de overburen", "door studenten", "door arbeidsmigranten",
          "door de beheerder", "door het gezin ernaast", "door een oudere man", "door hangjongeren",
          "door de achterburen", "door de bewoners van het portiek", "door de zoon van de buren",
          "door de bewoonster", "door de vriend van de buurvrouw", "door de klusjesman"]
MOMENTS = ["'s nachts", "in het weekend", "elke avond", "overdag", "rond etenstijd", "na middernacht",
           "vroeg in de ochtend", "op zondag", "tijdens de vakantie", "op werkdagen", "in de tuin", "op het balkon",
           "in het trappenhuis", "op de galerij", "bij de voordeur", "in de berging", "op straat", "bij de garages",
           "achter de flat", "in het park", "bij de speeltuin", "op het parkeerterrein", "in de steeg",
           "bij de container", "voor de winkel"]
DETAILS = [
    "een scooter", "een trampoline", "een barbecue", "een muziekinstallatie", "vuilniszakken", "een schutting",
    "een aanhangwagen", "een busje", "duiven", "een kat", "twee honden", "een pitbull", "een boormachine",
    "een brommer", "een caravan", "een tuinfeest", "een drumstel", "een subwoofer", "een waterpijp", "lachgas",
    "een kapotte ruit", "graffiti", "een matras", "een bank op de stoep", "een fiets", "gebroken glas",
    "een wietplantage", "een zwembad", "een vreugdevuur", "een generator", "een versterker", "een hanenkam",
    "een kippenhok", "een grasmaaier", "een bladblazer", "een karaokeset", "een hond zonder lijn", "een kraai",
    "sigarettenpeuken", "bierblikjes", "een koelkast", "een wasmachine", "een bouwcontainer", "een steiger",
    "een verhuiswagen", "een quad", "een camper", "een motorfiets", "een elektrische step", "een camera",
    "een deurbel", "een brievenbus", "een ventilator", "een warmtepomp", "een airco", "een cv-ketel",
    "een schimmelplek", "een lekkage", "een rookmelder", "een inbraakalarm", "een hek", "een heg", "een boom",
    "bladeren", "zwerfvuil", "een speaker", "een gitaar", "een piano", "een papegaai", "kippen", "konijnen",
    "een slang", "een paard", "een tent", "een partytent", "een springkussen", "een sloep", "een jetski",
    "een vrachtwagen", "een taxi",
]
EXTRAS = ["Ik heb het al vaker gemeld.", "De politie is al eens geweest.", "Er wordt niets aan gedaan.",
          "We slapen er slecht door.", "De kinderen zijn bang.", "Gesprekken hebben niet geholpen.",
          "De woningcorporatie weet ervan.", "Graag snel actie.", "Ik durf er niets meer van te zeggen.",
          "Andere buren hebben er ook last van.", "Het wordt steeds erger.", "Ik wil anoniem blijven.",
          "Er is een filmpje van.", "Ik werk in ploegendienst.", "Mijn moeder is ziek.", ""]
NOTES = ["Huisbezoek afgelegd", "Gesprek gevoerd", "Telefonisch contact gehad", "Casusoverleg voorbereid",
         "Buurtbemiddeling voorgesteld", "Afspraak gemaakt", "Signaal besproken", "Dossier doorgenomen"]
NOTE_OUTCOMES = ["bewoner werkt mee", "bewoner weigert hulp", "wijkagent sluit aan", "GGZ wordt ingeschakeld",
                 "corporatie stuurt waarschuwingsbrief", "situatie is rustiger", "nieuwe klachten binnen",
                 "gezin krijgt ondersteuning", "schuldhulp aangeboden", "mediation gestart", "dossier naar OM",
                 "vervolgafspraak over twee weken"]
FUNCTIONS = ["wijkagent", "woonconsulent", "wijkverpleegkundige", "maatschappelijk werker", "casemanager",
             "jeugdconsulent", "reclasseringswerker", "buurtbemiddelaar"]
DOMAINS = ["gmail.com", "hotmail.com", "outlook.com", "ziggo.nl", "kpnmail.nl", "live.nl", "home.nl", "planet.nl"]
WORDS = {"first": FIRST_NAMES, "last": LAST_NAMES, "streets": STREETS, "openers": OPENERS,
         "complaints": COMPLAINTS, "actors": ACTORS, "moments": MOMENTS, "details": DETAILS, "extras": EXTRAS,
         "notes": NOTES, "note_outcomes": NOTE_OUTCOMES, "functions": FUNCTIONS, "domains": DOMAINS}


def pick(name: str) -> str:
    """SQL: a random element of a word list, drawn per row (the list a query parameter: a constant, read in place)."""
    return f"(%({name})s::text[])[1 + floor(random() * {len(WORDS[name])})::int]"


def person_name() -> str:
    return f"{pick('first')} || ' ' || {pick('last')}"


CREATE_ADDRESSES = """
CREATE TEMPORARY TABLE bench_addresses (a integer PRIMARY KEY, postcode text, house_number integer, addition text,
                                        street text, city text, wijk_code text, buurt_code text, x float, y float,
                                        lat float, lon float)
"""
# The shape of each report, drawn once, shared by cases and reports.
CREATE_GEN = """
CREATE TEMPORARY TABLE bench_gen AS
SELECT i, received_at, channel, escalated, triage_delay,
       CASE WHEN escalated THEN 'escalated' WHEN received_at > %(end)s - interval '10 days' THEN NULL
            ELSE 'referred' END AS outcome,
       CASE WHEN rp < 0.75 THEN 'ruimtelijk-domein' WHEN rp < 0.83 THEN 'politie'
            WHEN rp < 0.89 THEN 'woningcorporatie' WHEN rp < 0.93 THEN 'ggz' WHEN rp < 0.97 THEN 'wijkteam'
            WHEN rp < 0.985 THEN 'veilig-thuis' WHEN rp < 0.993 THEN 'om' ELSE 'reclassering' END AS partner_key,
       CASE WHEN rr < 0.35 THEN 'politie' WHEN rr < 0.6 THEN 'woningcorporatie' WHEN rr < 0.75 THEN 'wijkteam'
            WHEN rr < 0.9 THEN 'ggz' WHEN rr < 0.96 THEN 'veilig-thuis' ELSE 'reclassering' END AS registrant_key,
       CASE WHEN rh < 0.15 THEN floor(power(random(), 1.5) * %(hot)s)::int
            ELSE floor(random() * %(addresses)s)::int END AS address,
       rm, anonymous
FROM (SELECT i, %(start)s + (i - 1 + random()) / %(n)s * (%(end)s - %(start)s) AS received_at,
             CASE WHEN random() < 0.03 THEN 'partner' WHEN rc < 0.8 THEN 'app' WHEN rc < 0.9 THEN 'webform'
                  ELSE 'phone' END AS channel,
             i %% %(step)s = 0 AS escalated, (random() ^ 2) * interval '6 days' AS triage_delay,
             random() AS rp, random() AS rr, random() AS rh, random() AS rm, random() < 0.25 AS anonymous
      FROM (SELECT i, random() AS rc FROM generate_series(1, %(n)s) AS i) AS numbered) AS raw
"""
LOAD_USERS = """
INSERT INTO users (id, email, name, role, password_hash, is_active, partner_id, created_at, updated_at)
SELECT i, 'regisseur' || i || '@gdt.bench', 'Regisseur ' || lpad(i::text, 2, '0'), 'coordinator', 'x', true, NULL::int,
       %(start)s, %(start)s
FROM generate_series(1, %(coordinators)s) AS i
UNION ALL SELECT 11, 'intake@gdt.bench', 'Intake', 'intake', 'x', true, NULL, %(start)s, %(start)s
UNION ALL SELECT 12, 'manager@gdt.bench', 'Manager', 'manager', 'x', true, NULL, %(start)s, %(start)s
UNION ALL SELECT 20 + row_number() OVER (ORDER BY id), key || '@partner.bench', name, 'partner', 'x', true, id,
                 %(start)s, %(start)s
          FROM partners
"""
# Case ids follow the escalated reports (report i → case i / step); references number per year after the reports'.
LOAD_CASES = """
INSERT INTO cases (id, reference, source, status, mode, coordinator_id, received_at, opened_at, closed_at, result,
                   review_due_at, version, created_at, updated_at)
SELECT i / %(step)s, 'GDT-' || extract(year FROM received_at)::int || '-'
                      || lpad((900000 + row_number() OVER (PARTITION BY extract(year FROM received_at)
                                                           ORDER BY i))::text, 6, '0'),
       CASE WHEN channel = 'partner' THEN 'partner' ELSE 'report' END,
       CASE WHEN open THEN 'open' ELSE 'closed' END,
       CASE WHEN open AND opened_at > %(end)s - interval '30 days' AND rm < 0.7 THEN NULL
            WHEN rm < 0.53 THEN 'advice' ELSE 'regie' END,
       1 + floor(power(random(), 1.3) * %(coordinators)s)::int, received_at, opened_at,
       CASE WHEN NOT open THEN least(opened_at + interval '14 days' + random() * interval '160 days', %(end)s) END,
       CASE WHEN NOT open THEN CASE WHEN random() < 0.7 THEN 'de-escalated' ELSE 'handled-by-partner' END END,
       CASE WHEN open THEN opened_at + interval '12 weeks' END, 1, opened_at, opened_at
FROM (SELECT *, received_at + triage_delay AS opened_at,
             received_at + triage_delay > %(end)s - interval '120 days' OR rm > 0.97 AS open
      FROM bench_gen WHERE escalated) AS escalated
"""
LOAD_REPORTS = """
INSERT INTO reports (id, reference, channel, received_at, status, category_id, description, postcode, house_number,
                     house_number_addition, street, city, wijk_code, buurt_code, reporter_is_anonymous, reporter_name,
                     reporter_email, reporter_phone, reporter_may_contact, triage_outcome, triaged_at,
                     referred_partner_id, case_id, registered_by_id, version, created_at, updated_at{extra_columns})
SELECT g.i, 'GDT-' || extract(year FROM g.received_at)::int || '-'
             || lpad(row_number() OVER (PARTITION BY extract(year FROM g.received_at) ORDER BY g.i)::text, 6, '0'),
       g.channel, g.received_at,
       CASE WHEN g.outcome IS NULL THEN 'received'
            WHEN g.outcome = 'escalated' THEN CASE WHEN c.status = 'open' THEN 'escalated' ELSE 'closed' END
            WHEN g.received_at < %(end)s - interval '60 days' THEN 'closed' ELSE 'referred' END,
       cat.ids[1 + g.i %% cardinality(cat.ids)],
       {opener} || ' ' || {complaint} || ' ' || {actor} || ' ' || {moment} || '. Het gaat om ' || {detail}
           || ' en ' || {detail} || '. ' || {extra},
       a.postcode, a.house_number, a.addition, a.street, a.city, a.wijk_code, a.buurt_code,
       g.anonymous, CASE WHEN NOT g.anonymous THEN n.first || ' ' || n.last END,
       CASE WHEN NOT g.anonymous AND n.r < 0.6 THEN lower(n.first) || '.' || lower(replace(n.last, ' ', ''))
                                                    || (g.i %% 97) || '@' || {domain} END,
       CASE WHEN NOT g.anonymous THEN '06' || lpad(floor(random() * 100000000)::int::text, 8, '0') END,
       NOT g.anonymous AND n.r < 0.8,
       g.outcome, CASE WHEN g.outcome IS NOT NULL THEN g.received_at + g.triage_delay END,
       CASE WHEN g.outcome = 'referred' THEN p.id END, CASE WHEN g.escalated THEN g.i / %(step)s END,
       CASE WHEN g.channel = 'partner' THEN u.id END, 1, g.received_at, g.received_at{extra_values}
FROM bench_gen AS g
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM categories) AS cat
CROSS JOIN LATERAL (SELECT {first} AS first, {last} AS last, random() AS r WHERE g.i IS NOT NULL) AS n
JOIN bench_addresses AS a ON a.a = g.address
LEFT JOIN partners AS p ON p.key = g.partner_key
LEFT JOIN partners AS rp ON rp.key = g.registrant_key AND g.channel = 'partner'
LEFT JOIN users AS u ON u.partner_id = rp.id
LEFT JOIN cases AS c ON c.id = g.i / %(step)s AND g.escalated
"""
LOAD_REGISTRATIONS = f"""
INSERT INTO partner_registrations (report_id, partner_id, registrant_name, registrant_function, registrant_email,
                                   concerned_name, reason, created_at, updated_at)
SELECT r.id, u.partner_id, {person_name()}, {pick('functions')}, 'melder' || r.id || '@partner.bench',
       CASE WHEN random() < 0.8 THEN {person_name()} END,
       'Zorgen over de bewoner: ' || {pick('complaints')} || ' ' || {pick('moments')} || '. ' || {pick('extras')},
       r.received_at, r.received_at
FROM reports AS r JOIN users AS u ON u.id = r.registered_by_id
WHERE r.channel = 'partner'
"""
# About half the cases involve 1–3 partners, drawn by weight (as bench/cases.py).
LOAD_CASE_PARTNERS = """
INSERT INTO case_partners (case_id, partner_id, role, added_at)
SELECT case_id, partner_id, 'betrokken', added_at
FROM (SELECT c.id AS case_id, p.id AS partner_id, c.opened_at + interval '2 days' AS added_at, c.wanted,
             row_number() OVER (PARTITION BY c.id ORDER BY -ln(1 - random()) / w.weight) AS rank
      FROM (SELECT id, opened_at, 1 + floor(random() * 3)::int AS wanted FROM cases WHERE random() < 0.5) AS c
      CROSS JOIN partners AS p
      JOIN (VALUES ('politie', 0.30), ('woningcorporatie', 0.22), ('wijkteam', 0.18), ('ggz', 0.12),
                   ('ruimtelijk-domein', 0.08), ('veilig-thuis', 0.05), ('om', 0.03), ('reclassering', 0.02))
           AS w (key, weight) ON w.key = p.key) AS ranked
WHERE rank <= wanted
"""
LOAD_CASE_PARTIES = f"""
INSERT INTO case_parties (case_id, name, role, note, added_at)
SELECT c.id, {person_name()}, CASE WHEN k = 1 THEN 'subject' WHEN random() < 0.6 THEN 'household' ELSE 'other' END,
       CASE WHEN random() < 0.3 THEN 'Woont ' || {pick('moments')} END, c.opened_at
FROM cases AS c CROSS JOIN LATERAL generate_series(1, 1 + floor(random() * 3)::int + (c.id * 0)) AS k
"""
LOAD_CASE_NOTES = f"""
INSERT INTO case_notes (case_id, author_id, created_at, body, shareable)
SELECT c.id, coalesce(c.coordinator_id, 1), least(c.opened_at + k * interval '9 days', %(end)s),
       {pick('notes')} || ' ' || {pick('actors')} || ': ' || {pick('complaints')} || ' ' || {pick('moments')}
           || ', met ' || {pick('details')} || '. Uitkomst: ' || {pick('note_outcomes')} || '.',
       random() < 0.3
FROM cases AS c CROSS JOIN generate_series(1, 3) AS k
"""
LOAD_PEOPLE = f"""
INSERT INTO people (id, name, date_of_birth, phone, email, version, created_at, updated_at)
SELECT i, n.first || ' ' || n.last,
       CASE WHEN random() < 0.7 THEN date '1940-01-01' + floor(random() * 23000)::int END,
       CASE WHEN random() < 0.6 THEN '06' || lpad(floor(random() * 100000000)::int::text, 8, '0') END,
       CASE WHEN n.r < 0.4 THEN lower(n.first) || '.' || lower(replace(n.last, ' ', '')) || (i %% 89) || '@'
                                || {pick('domains')} END,
       1, %(start)s + random() * (%(end)s - %(start)s), %(end)s
FROM generate_series(1, %(people)s) AS i
CROSS JOIN LATERAL (SELECT {pick('first')} AS first, {pick('last')} AS last, random() AS r WHERE i IS NOT NULL) AS n
"""
LOAD_PERSON_ADDRESSES = """
INSERT INTO person_addresses (person_id, postcode, house_number, house_number_addition, street, city)
SELECT p.id, a.postcode, a.house_number, a.addition, a.street, a.city
FROM (SELECT id, CASE WHEN random() < 0.1 THEN floor(power(random(), 1.5) * %(hot)s)::int
                      ELSE floor(random() * %(addresses)s)::int END AS address
      FROM people, generate_series(1, CASE WHEN random() < 0.15 THEN 2 ELSE 1 END + (people.id * 0))) AS p
JOIN bench_addresses AS a ON a.a = p.address
"""
# Person i in case 1 + (i - 1) mod C (the first C as subject, the others in the household); 20 % also in another
# case ("eerder in beeld"); 40 000 links to reports.
LOAD_PERSON_LINKS = """
INSERT INTO person_links (person_id, case_id, report_id, role, added_at, added_by_id)
SELECT p.id, 1 + (p.id - 1) %% %(cases)s, NULL::int, CASE WHEN p.id <= %(cases)s THEN 'subject' ELSE 'household' END,
       c.opened_at, c.coordinator_id
FROM people AS p JOIN cases AS c ON c.id = 1 + (p.id - 1) %% %(cases)s
UNION ALL
SELECT p.id, c.id, NULL, 'subject', c.opened_at, c.coordinator_id
FROM (SELECT id, 1 + floor(random() * %(cases)s)::int AS other FROM people WHERE random() < 0.2) AS p
JOIN cases AS c ON c.id = p.other AND c.id <> 1 + (p.id - 1) %% %(cases)s
UNION ALL
SELECT 1 + floor(random() * %(people)s)::int, NULL::int, r.id, 'subject', r.received_at, NULL
FROM reports AS r WHERE random() < %(report_links)s / %(n)s::float
"""
LOADED_TABLES = ("users", "cases", "reports", "partner_registrations", "case_partners", "case_parties", "case_notes",
                 "people", "person_addresses", "person_links")
COORDINATE_COLUMNS = {"lat": "a.lat", "lon": "a.lon", "rd_x": "a.x", "rd_y": "a.y"}


def addresses(count: int, seed: float) -> Iterator[tuple]:
    """Addresses in blocks of 12 numbers: one street, one postcode, one spot (RD metres, WGS84 from them through
    gdt.services.geo.rd). The PC4 follows the place on a 7 × 7 grid (5611 … 5659), the wijk a 5 × 4 grid and the
    buurt a 3 × 3 grid inside it, so neighbours share them."""
    draw = random.Random(seed)
    width, height = EXTENT["x_max"] - EXTENT["x_min"], EXTENT["y_max"] - EXTENT["y_min"]
    for block in range(-(-count // 12)):
        x0, y0 = draw.uniform(0, width - 40), draw.uniform(0, height - 10)
        street, first_number = draw.choice(STREETS), 1 + draw.randrange(4) * 24
        pc4 = 5611 + int(x0 / width * 7) * 7 + int(y0 / height * 7)
        postcode = f"{pc4}{chr(65 + block // 26 % 26)}{chr(65 + block % 26)}"
        wijk = 1 + int(x0 / width * 5) * 4 + int(y0 / height * 4)
        buurt = 1 + int(x0 / width * 15) % 3 * 3 + int(y0 / height * 12) % 3
        for number in range(min(12, count - block * 12)):
            x, y = EXTENT["x_min"] + x0 + number * 3, EXTENT["y_min"] + y0 + number % 2 * 8
            lat, lon = rd.to_wgs84(x, y)
            yield (block * 12 + number, postcode, first_number + 2 * number, "A" if draw.random() < 0.03 else None,
                   street, "Eindhoven", f"WK0772{wijk:02d}", f"BU0772{wijk:02d}{buurt:02d}", round(x, 1),
                   round(y, 1), round(lat, 7), round(lon, 7))


def load(connection: psycopg.Connection, *, reports: int, cases: int, people: int, years: int = 5,
         seed: float = 0.2026, quiet: bool = False) -> dict:
    """Fill the empty schema (create_schema) and VACUUM ANALYZE; return the seconds per step and the counts."""
    end = connection.execute("SELECT date_trunc('second', now() AT TIME ZONE 'UTC')").fetchone()[0]
    start = connection.execute("SELECT %s::timestamp - make_interval(years => %s)", (end, years)).fetchone()[0]
    cases = min(cases, reports)
    params = {"n": reports, "step": reports // cases, "cases": reports // (reports // cases), "people": people,
              "start": start, "end": end, "coordinators": COORDINATORS,
              "addresses": max(reports // 10, 2 * HOT_ADDRESSES), "hot": HOT_ADDRESSES,
              "report_links": min(40_000, reports // 5), **WORDS}
    coordinates = [column for column in COORDINATE_COLUMNS if column in _columns(connection, "reports")]
    report_sql = LOAD_REPORTS.format(
        extra_columns="".join(f", {column}" for column in coordinates),
        extra_values="".join(f", {COORDINATE_COLUMNS[column]}" for column in coordinates),
        opener=pick("openers"), complaint=pick("complaints"), actor=pick("actors"), moment=pick("moments"),
        detail=pick("details"), extra=pick("extras"), domain=pick("domains"), first=pick("first"), last=pick("last"))
    connection.execute("SET synchronous_commit = on")  # see bench/README.md, "Hint bits": index-only scans
    connection.execute("SET maintenance_work_mem = '256MB'")
    connection.commit()
    seconds = {}
    steps = [("shape", CREATE_GEN), ("users", LOAD_USERS), ("cases", LOAD_CASES), ("reports", report_sql),
             ("partner_registrations", LOAD_REGISTRATIONS), ("case_partners", LOAD_CASE_PARTNERS),
             ("case_parties", LOAD_CASE_PARTIES), ("case_notes", LOAD_CASE_NOTES), ("people", LOAD_PEOPLE),
             ("person_addresses", LOAD_PERSON_ADDRESSES), ("person_links", LOAD_PERSON_LINKS)]

    def step(name: str, run) -> None:
        began = time.perf_counter()
        run()
        seconds[name] = time.perf_counter() - began
        if not quiet:
            print(f"  {name}: {seconds[name]:.1f} s", flush=True)

    with connection.transaction():
        connection.execute("SELECT setseed(%s)", (seed,))
        connection.execute(CREATE_ADDRESSES)
        step("addresses", lambda: _copy_addresses(connection, params["addresses"], seed))
        indexes = _drop_indexes(connection)  # built once at the end: much faster than row by row (GIN above all)
        for name, statement in steps:
            step(name, lambda statement=statement: connection.execute(statement, params))
        step("indexes", lambda: [connection.execute(definition) for definition in indexes])
        for table in LOADED_TABLES:
            connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT coalesce(max(id), 1) FROM {table}))")
        for table in ("bench_gen", "bench_addresses"):
            connection.execute(f"DROP TABLE {table}")
    began = time.perf_counter()
    connection.autocommit = True
    connection.execute("VACUUM ANALYZE")
    connection.autocommit = False
    seconds["vacuum"] = time.perf_counter() - began
    return {"seconds": seconds, "coordinates": coordinates, **counts(connection)}


def counts(connection: psycopg.Connection) -> dict:
    found = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in LOADED_TABLES}
    found["open_reports"] = connection.execute(
        "SELECT count(*) FROM reports WHERE status IN ('received', 'referred', 'escalated')").fetchone()[0]
    found["busiest_address"] = connection.execute(
        "SELECT count(*) FROM reports GROUP BY postcode, house_number ORDER BY 1 DESC LIMIT 1").fetchone()[0]
    found["addresses"] = connection.execute(
        "SELECT count(*) FROM (SELECT DISTINCT postcode, house_number FROM reports) AS a").fetchone()[0]
    connection.rollback()
    return found


def partner_user(connection: psycopg.Connection, key: str) -> int:
    """The id of the partner user loaded for the partner with this key."""
    found = connection.execute("SELECT u.id FROM users AS u JOIN partners AS p ON p.id = u.partner_id "
                               "WHERE p.key = %s", (key,)).fetchone()[0]
    connection.rollback()
    return found


def _copy_addresses(connection: psycopg.Connection, count: int, seed: float) -> None:
    with connection.cursor().copy("COPY bench_addresses FROM STDIN") as copy:
        for row in addresses(count, seed):
            copy.write_row(row)


def _drop_indexes(connection: psycopg.Connection) -> list[str]:
    """Drop the loaded tables' indexes that back no constraint; return their definitions to build them again."""
    found = connection.execute("""
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index AS i JOIN pg_class AS t ON t.oid = i.indrelid
        WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint AS k WHERE k.conindid = i.indexrelid)
    """, (list(LOADED_TABLES),)).fetchall()
    for name, _definition in found:
        connection.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in found]


def _columns(connection: psycopg.Connection, table: str) -> set[str]:
    rows = connection.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", (table,))
    found = {row[0] for row in rows}
    connection.rollback()
    return found


def describe(loaded: dict) -> str:
    """One paragraph for the benchmarks' output: what was loaded, in how long."""
    load_seconds = sum(value for key, value in loaded["seconds"].items() if key != "vacuum")
    return (f"loaded {loaded['reports']:,} reports ({loaded['open_reports']:,} open; "
            f"{loaded['addresses']:,} addresses, the busiest with {loaded['busiest_address']:,} reports), "
            f"{loaded['cases']:,} cases ({loaded['case_partners']:,} case partners, {loaded['case_parties']:,} "
            f"parties, {loaded['case_notes']:,} notes), {loaded['partner_registrations']:,} partner registrations, "
            f"{loaded['people']:,} people ({loaded['person_addresses']:,} addresses, {loaded['person_links']:,} "
            f"links); coordinates: {', '.join(loaded['coordinates']) or 'none (no such columns)'}; "
            f"in {load_seconds:.1f} s + VACUUM ANALYZE {loaded['seconds']['vacuum']:.1f} s")


def arguments(parser: argparse.ArgumentParser) -> None:
    """The data options every finding benchmark takes."""
    parser.add_argument("--reports", type=int, default=1_000_000, help="reports to load (default 1 000 000)")
    parser.add_argument("--cases", type=int, default=100_000, help="cases to load (default 100 000)")
    parser.add_argument("--people", type=int, default=None, help="people to load (default 1.5 per case)")
    parser.add_argument("--years", type=int, default=5, help="spread over the last this many years (default 5)")


def load_from(connection: psycopg.Connection, options: argparse.Namespace) -> dict:
    cases = min(options.cases, options.reports)
    people = options.people if options.people is not None else cases * 3 // 2
    return load(connection, reports=options.reports, cases=cases, people=people, years=options.years)


def main() -> None:
    from bench.common import bench_app, conninfo, create_schema
    from tests.postgres import temporary_postgresql

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    arguments(parser)
    options = parser.parse_args()
    with temporary_postgresql("gdt_bench_finding") as url:
        create_schema(bench_app(url))
        with psycopg.connect(conninfo(url)) as connection:
            loaded = load_from(connection, options)
            print(f"\n{platform.machine()}, Python {platform.python_version()}, PostgreSQL "
                  f"{connection.info.server_version // 10000}.{connection.info.server_version % 10000}")
            print(describe(loaded))
            for row in connection.execute("SELECT reference, postcode, house_number, street, reporter_name, "
                                          "reporter_email, description FROM reports ORDER BY id DESC LIMIT 3"):
                print("  ", row)


if __name__ == "__main__":
    main()

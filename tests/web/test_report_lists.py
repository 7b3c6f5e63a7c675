"""The report lists (the intake queue, "Mijn meldingen"): the columns, deadlines in words with proper plurals,
sorting by every column (server-side, aria-sort), the queue's filters, pages that keep them, a fixed number of
queries per page, and for an intake clerk only rows that open (never a link that answers 403)."""
import html
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from gdt.db import AMSTERDAM
from gdt.services.triage import claims
from tests.dates import due_in, end_of, today


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def listed(response) -> list[str]:
    """The references in the list, in the order shown."""
    return re.findall(r'<th class="utrecht-table__cell" scope="row"[^>]*>\s*<a [^>]*>([^<]+)</a>', text(response))


@pytest.fixture
def coordinator(make):
    return make.user("coordinator", name="Anna Aalders")


@pytest.fixture
def client(client_as, coordinator):
    return client_as(user=coordinator)


def test_the_queue_shows_every_column_with_the_deadline_in_words(client, make):
    make.report(reference="GDT-2026-000001", street="Stratumseind", house_number=12, postcode="5611ET",
                city="Eindhoven", category=make.category("intimidatie"), channel="app", triage_due_at=due_in(-2))
    make.report(reference="GDT-2026-000002", triage_due_at=due_in(-1))
    make.report(reference="GDT-2026-000003", triage_due_at=end_of(today()))
    make.report(reference="GDT-2026-000004", triage_due_at=due_in(1))
    make.report(reference="GDT-2026-000005", triage_due_at=due_in(2))
    page = text(client.get("/intake/queue"))
    for column in ("Kenmerk", "Adres", "Categorie", "Ontvangen", "Beoordelen", "Regisseur", "Kanaal"):
        assert f">{column}" in page, column
    assert "Stratumseind 12, 5611 ET Eindhoven" in page and "Intimidatie" in page and "Woonoverlast-app" in page
    for words in ("2 werkdagen te laat", "1 werkdag te laat", "vandaag", "nog 1 werkdag", "nog 2 werkdagen"):
        assert words in page, words
    assert "werkdag/werkdagen" not in page and "Nog niet opgepakt" in page
    assert "5 meldingen wachten op beoordeling" in page


def test_the_queue_says_one_report_in_the_singular(client, make):
    make.report()
    assert "1 melding wacht op beoordeling" in text(client.get("/intake/queue"))


def test_the_most_urgent_come_first_by_default(client, make):
    later, overdue, sooner = (make.report(triage_due_at=due_in(days)) for days in (3, -1, 1))
    assert listed(client.get("/intake/queue")) == [overdue.reference, sooner.reference, later.reference]


@pytest.fixture
def three(make, coordinator):
    """Three untriaged reports that each column orders differently."""
    colleague = make.user("coordinator", name="Bram Bakker")
    first = make.report(reference="GDT-2026-000010", street="Zuidstraat", category=make.category("vervuiling"),
                        received_at=datetime(2026, 3, 2, 9, tzinfo=UTC), triage_due_at=due_in(2))
    second = make.report(reference="GDT-2026-000012", street="Akkerweg", category=make.category("overig"),
                         received_at=datetime(2026, 3, 1, 9, tzinfo=UTC), triage_due_at=due_in(1))
    third = make.report(reference="GDT-2026-000011", street="Markt", category=make.category("drugsoverlast"),
                        received_at=datetime(2026, 3, 3, 9, tzinfo=UTC), triage_due_at=due_in(3))
    claims.claim_report(first, actor=colleague)
    claims.claim_report(third, actor=coordinator)
    return first, second, third


@pytest.mark.parametrize(("key", "order"), [
    ("reference", (0, 2, 1)), ("address", (1, 2, 0)), ("category", (2, 1, 0)), ("received", (1, 0, 2)),
    ("deadline", (1, 0, 2)), ("coordinator", (2, 0, 1)),  # Anna, Bram, then the one nobody took
])
def test_every_column_sorts_both_ways_with_aria_sort_on_its_header(client, three, key, order):
    expected = [three[index].reference for index in order]
    ascending = client.get(f"/intake/queue?sort={key}")
    assert listed(ascending) == expected
    headers = re.findall(r'<th class="utrecht-table__header-cell" scope="col"( aria-sort="(\w+)")?>', text(ascending))
    assert [sort for _attribute, sort in headers if sort] == ["ascending"]
    toggle = f'aria-sort="ascending">\n    <a class="utrecht-link gdt-sort" href="/intake/queue?sort=-{key}"'
    assert toggle in text(ascending)
    descending = client.get(f"/intake/queue?sort=-{key}")
    assert 'aria-sort="descending"' in text(descending)
    if key != "coordinator":  # a report without a coordinator stays last either way
        assert listed(descending) == expected[::-1]
    else:
        assert listed(descending) == [expected[1], expected[0], expected[2]]


def test_an_unknown_sort_falls_back_to_the_most_urgent_first(client, three):
    for junk in ("received_at", "-", "1; drop table reports", "--deadline"):
        assert listed(client.get("/intake/queue", query_string={"sort": junk})) == [
            three[1].reference, three[0].reference, three[2].reference], junk


def test_narrow_screens_get_the_same_sorting_as_a_form(client, three):
    page = text(client.get("/intake/queue?sort=-received&channel=phone"))
    form = re.search(r'<form method="get" action="/intake/queue" class="gdt-sort-form".*?</form>', page, re.S)[0]
    assert '<input type="hidden" name="channel" value="phone">' in form
    assert '<option value="-received" selected>Ontvangen, aflopend</option>' in form


def test_queue_filters(client, make):
    old = make.report(channel="webform", category=make.category("vervuiling"),
                      received_at=datetime(2026, 1, 5, 9, tzinfo=UTC), triage_due_at=due_in(-5))
    fresh = make.report(channel="phone", received_at=datetime.now(UTC), triage_due_at=due_in(3))
    assert listed(client.get("/intake/queue?category=vervuiling")) == [old.reference]
    assert listed(client.get("/intake/queue?channel=phone")) == [fresh.reference]
    assert listed(client.get("/intake/queue?age=1")) == [old.reference]
    assert listed(client.get("/intake/queue?age=overdue")) == [old.reference]
    page = text(client.get("/intake/queue?age=1"))
    assert "1 melding past bij de filters" in page
    assert "ouder dan 1 werkdag" in page and "ouder dan 2 werkdagen" in page
    for junk in ("age=7", "channel=fax", "category=bestaat-niet", "claim=iemand"):
        assert set(listed(client.get(f"/intake/queue?{junk}"))) == {old.reference, fresh.reference}, junk


def test_the_age_filter_counts_working_days(client, make):
    """Received on the working day before the last one: more than 1 working day old, not more than 2."""
    two_ago = due_in(-2) - timedelta(hours=12)  # midday of that day
    report = make.report(received_at=two_ago, triage_due_at=due_in(1))
    assert listed(client.get("/intake/queue?age=1")) == [report.reference]
    assert listed(client.get("/intake/queue?age=2")) == []


def test_the_claim_filter_and_the_holder_in_the_queue(client, three):
    first, second, third = three
    assert listed(client.get("/intake/queue?claim=free")) == [second.reference]
    assert listed(client.get("/intake/queue?claim=mine")) == [third.reference]
    page = text(client.get("/intake/queue"))
    since = third.claim.claimed_at.astimezone(AMSTERDAM).strftime("%H:%M")
    assert f"Opgepakt door Anna Aalders (sinds {since})" in page and "Opgepakt door Bram Bakker" in page


def test_pages_keep_the_filter_and_the_sort(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    wanted = [make.report(channel="app", received_at=datetime(2026, 3, day, 9, tzinfo=UTC)) for day in range(1, 6)]
    make.report(channel="phone")
    first = client.get("/intake/queue?channel=app&sort=-received")
    assert listed(first) == [report.reference for report in wanted[::-1][:2]]
    links = {html.unescape(href) for href in re.findall(r'href="(/intake/queue\?[^"]*page=[^"]*)"', text(first))}
    assert links
    for link in links:
        assert parse_qs(urlsplit(link).query).keys() == {"channel", "sort", "page"}, link
    assert listed(client.get("/intake/queue?channel=app&sort=-received&page=3")) == [wanted[0].reference]


def test_a_page_of_the_queue_takes_the_same_number_of_queries_however_long(client, make, db):
    def statements(count: int) -> int:
        for n in range(count):
            report = make.report(triage_due_at=due_in(n % 3))
            claims.claim_report(report, actor=make.user("coordinator"))
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/intake/queue").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    assert statements(2) == statements(8)


# --- an intake clerk sees only what they may open -------------------------------------------------------------------

def test_an_intake_clerk_sees_only_their_own_reports_and_every_row_opens(client_as, make):
    clerk, colleague = make.user("intake"), make.user("intake")
    own = [make.report(registered_by_id=clerk.id) for _ in range(2)]
    make.report(registered_by_id=colleague.id)
    make.report(channel="webform")
    client = client_as(user=clerk)
    page = client.get("/intake/queue")
    assert sorted(listed(page)) == sorted(report.reference for report in own)
    links = re.findall(r'<th class="utrecht-table__cell" scope="row"[^>]*>\s*<a class="utrecht-link" href="([^"]+)"',
                       text(page))
    assert links and all(link.startswith("/intake/reports/") for link in links)
    for link in links:
        assert client.get(link).status_code == 200, link
    assert ("Daarnaast wachten 2 meldingen die u niet zelf heeft geregistreerd" in text(page))
    assert 'name="claim"' not in text(page)  # claiming is for coordinators


def test_the_count_of_others_is_singular_for_one(client_as, make):
    clerk = make.user("intake")
    make.report(channel="app")
    assert "Daarnaast wacht 1 melding die u niet zelf heeft geregistreerd" in text(client_as(user=clerk)
                                                                                      .get("/intake/queue"))


def test_a_coordinator_sees_every_untriaged_report_and_each_opens_the_triage_page(client, make):
    reports = [make.report(registered_by_id=make.user("intake").id), make.report(channel="webform")]
    make.report("referred")
    page = client.get("/intake/queue")
    assert sorted(listed(page)) == sorted(report.reference for report in reports)
    for reference in listed(page):
        assert f'href="/reports/{reference}"' in text(page)
        assert client.get(f"/reports/{reference}").status_code == 200
    assert "Daarnaast" not in text(page)


def test_my_reports_show_the_same_columns_and_the_status(client_as, make):
    clerk, coordinator = make.user("intake"), make.user("coordinator", name="Carla Claes")
    waiting = make.report(registered_by_id=clerk.id, triage_due_at=due_in(2))
    triaged = make.report("referred", registered_by_id=clerk.id, triaged_by_id=coordinator.id)
    client = client_as(user=clerk)
    page = client.get("/intake/mine")
    assert listed(page) == [waiting.reference, triaged.reference]  # waiting first, by deadline
    body = text(page)
    assert "2 meldingen door mij geregistreerd" in body and "nog 2 werkdagen" in body
    assert "Doorverwezen" in body and "Carla Claes" in body and ">Status</th>" in body
    for reference in listed(page):
        assert client.get(f"/intake/reports/{reference}").status_code == 200
    assert listed(client.get("/intake/mine?sort=reference")) == sorted([waiting.reference, triaged.reference])

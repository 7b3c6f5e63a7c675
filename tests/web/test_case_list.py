"""The coordinators' case list (/cases): each filter narrows, filters combine, junk is ignored, pages keep it."""
import html
import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from gdt.models import Action, CasePartner, Meeting
from gdt.services.casework import case_list
from tests.dates import due_in

UTC = UTC


@pytest.fixture
def coordinator(make):
    return make.user("coordinator", name="Anna de Regisseur")


@pytest.fixture
def client(client_as, coordinator):
    return client_as(user=coordinator)


def listed(response) -> set[str]:
    """The case references in the table of a list page."""
    assert response.status_code == 200, response.status_code
    return set(re.findall(r'href="/cases/([^"/]+)"', response.text))


def refs(*cases) -> set[str]:
    return {case.reference for case in cases}


def involve(make, case, partner_key: str) -> None:
    make.session.add(CasePartner(case=case, partner=make.partner(partner_key)))
    make.session.commit()


# --- who may see it ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["intake", "manager", "admin", "partner"])
def test_only_coordinators_reach_the_list(client_as, make, role):
    make.case()
    assert client_as(role).get("/cases").status_code == 403


def test_the_list_asks_an_anonymous_visitor_to_log_in(app, db):
    assert app.test_client().get("/cases").status_code in (302, 401)


# --- each filter ---------------------------------------------------------------------------------------------------

def test_without_a_filter_every_open_and_closed_case_is_listed_and_merged_ones_never(client, make):
    open_case, closed_case = make.case(), make.case("closed")
    merged = make.case("merged", merged_into=open_case)
    page = client.get("/cases")
    assert listed(page) == refs(open_case, closed_case)
    assert re.search(r'<caption class="utrecht-table__caption">\s*2 casussen\s*</caption>', page.text)
    for query in ("?status=merged", "?status=open", "?mode=undecided", "?coordinator=none", "?from=2026-03-01"):
        assert merged.reference not in listed(client.get("/cases" + query)), query


def test_status_filter(client, make):
    open_case, closed_case = make.case(), make.case("closed")
    assert listed(client.get("/cases?status=open")) == refs(open_case)
    assert listed(client.get("/cases?status=closed")) == refs(closed_case)


def test_mode_filter_including_undecided(client, make):
    advice = make.case(mode="advice")
    casus, proces = make.case(mode="regie", regie_kind="casus"), make.case(mode="regie", regie_kind="proces")
    undecided = make.case()
    assert listed(client.get("/cases?mode=advice")) == refs(advice)
    assert listed(client.get("/cases?mode=regie")) == refs(casus, proces)
    page = client.get("/cases?mode=undecided")
    assert listed(page) == refs(undecided)
    assert "Nog niet bepaald" in page.text
    page = client.get("/cases?mode=regie").text
    assert "Casusregie" in page and "Procesregie" in page  # the kind of regie, in words


def test_coordinator_filter_including_unassigned(client, make, coordinator):
    colleague = make.user("coordinator", name="Bram Collega")
    mine, theirs, nobodys = make.case(coordinator=coordinator), make.case(coordinator=colleague), make.case()
    page = client.get(f"/cases?coordinator={colleague.id}")
    assert listed(page) == refs(theirs)
    assert "Bram Collega" in page.text
    assert listed(client.get(f"/cases?coordinator={coordinator.id}")) == refs(mine)
    page = client.get("/cases?coordinator=none")
    assert listed(page) == refs(nobodys)
    assert "Nog niet toegewezen" in page.text


def test_a_former_coordinator_can_still_be_chosen(client, make):
    former = make.user("coordinator", name="Carla Vertrokken", is_active=False)
    theirs = make.case(coordinator=former)
    make.case()
    page = client.get(f"/cases?coordinator={former.id}")
    assert listed(page) == refs(theirs)
    assert "Carla Vertrokken (niet meer actief)" in page.text


def test_partner_filter_lists_the_cases_the_partner_is_involved_in(client, make):
    police_only, police_and_ggz, ggz_only, none = make.case(), make.case(), make.case(), make.case()
    involve(make, police_only, "politie")
    involve(make, police_and_ggz, "politie")
    involve(make, police_and_ggz, "ggz")
    involve(make, ggz_only, "ggz")
    assert listed(client.get("/cases?partner=politie")) == refs(police_only, police_and_ggz)
    assert listed(client.get("/cases?partner=ggz")) == refs(police_and_ggz, ggz_only)
    assert listed(client.get("/cases?partner=reclassering")) == set()  # known partner, in no case
    assert none.reference in listed(client.get("/cases"))


def opened(make, moment: datetime):
    return make.case(received_at=moment, opened_at=moment)


def test_period_filter_uses_amsterdam_dates_in_winter_time(client, make):
    # 1 March 2026 in Amsterdam (CET, UTC+1) runs from 28 Feb 23:00 UTC up to 1 March 23:00 UTC.
    before = opened(make, datetime(2026, 2, 28, 22, 59, 59, tzinfo=UTC))
    first = opened(make, datetime(2026, 2, 28, 23, 0, tzinfo=UTC))
    last = opened(make, datetime(2026, 3, 1, 22, 59, 59, tzinfo=UTC))
    after = opened(make, datetime(2026, 3, 1, 23, 0, tzinfo=UTC))
    assert listed(client.get("/cases?from=2026-03-01&to=2026-03-01")) == refs(first, last)
    assert listed(client.get("/cases?from=2026-03-01")) == refs(first, last, after)
    assert listed(client.get("/cases?to=2026-03-01")) == refs(before, first, last)
    assert listed(client.get("/cases?to=2026-02-28")) == refs(before)
    assert listed(client.get("/cases?from=2026-03-02&to=2026-03-01")) == set()  # the wrong way round: nothing


def test_period_filter_uses_amsterdam_dates_in_summer_time(client, make):
    # 1 July 2026 in Amsterdam (CEST, UTC+2) starts on 30 June at 22:00 UTC.
    june = opened(make, datetime(2026, 6, 30, 21, 59, 59, tzinfo=UTC))
    july = opened(make, datetime(2026, 6, 30, 22, 0, tzinfo=UTC))
    assert listed(client.get("/cases?from=2026-07-01")) == refs(july)
    assert listed(client.get("/cases?to=2026-06-30")) == refs(june)
    page = client.get("/cases?from=2026-07-01&to=2026-07-31")
    assert 'value="2026-07-01"' in page.text and 'value="2026-07-31"' in page.text  # the form keeps the dates
    assert "01-07-2026" in page.text  # shown as the local date it was opened on


def test_filters_combine(client, make, coordinator):
    colleague = make.user("coordinator")
    match = make.case(mode="regie", coordinator=coordinator)
    involve(make, match, "politie")
    others = [make.case("closed", mode="regie", coordinator=coordinator),  # closed
              make.case(mode="advice", coordinator=coordinator),  # advice
              make.case(mode="regie", coordinator=colleague),  # someone else's
              make.case(mode="regie", coordinator=coordinator),  # no police
              opened(make, datetime(2025, 6, 1, 12, tzinfo=UTC))]  # before the period
    involve(make, others[0], "politie")
    involve(make, others[1], "politie")
    involve(make, others[2], "politie")
    others[4].mode, others[4].coordinator = "regie", coordinator
    involve(make, others[4], "politie")
    query = f"status=open&mode=regie&coordinator={coordinator.id}&partner=politie&from=2026-01-01&to=2026-12-31"
    page = client.get(f"/cases?{query}")
    assert listed(page) == refs(match)
    assert "1 casus past bij de filters" in page.text
    assert all(case.reference in listed(client.get("/cases")) for case in others)


# --- junk, pagination, the page itself -----------------------------------------------------------------------------

JUNK = [
    "page=abc&status=<script>alert(1)</script>",
    "status=OPEN&mode=Regie&coordinator=abc&partner=<b>x</b>",
    "coordinator=99999999999999999999&partner=" + "x" * 500,
    "coordinator=-1&partner=POLITIE&from=2026-13-45&to=yesterday",
    "from=0001-01-01&to=9999-12-31",
    "from=20260301&to=2026-3-1&page=-4",
    "page=99999999999999999999999",
    "page=1e3&status=open&status=closed",
    "page=%D9%A1%D9%A2&coordinator=%D9%A1",  # Arabic-Indic digits: int() would take them
    "mode=undecided%00&status[]=open&%FF=%FE",
]


@pytest.mark.parametrize("query", JUNK)
def test_junk_parameters_are_ignored(client, make, query):
    cases = {make.case(), make.case("closed")}
    page = client.get(f"/cases?{query}")
    assert listed(page) >= {case.reference for case in cases if case.status == "open"}
    assert "<script>alert" not in page.text and "<b>x</b>" not in page.text


def test_junk_leaves_the_valid_parts_of_the_filter(client, make):
    make.case()  # an open case the filter must leave out
    closed_case = make.case("closed")
    page = client.get("/cases?status=closed&mode=nonsense&coordinator=abc&from=gisteren&page=abc")
    assert listed(page) == refs(closed_case)
    assert "1 casus past bij de filters" in page.text


def test_a_coordinator_id_of_someone_else_is_ignored(client, make):
    intake_user = make.user("intake")
    cases = {make.case().reference, make.case().reference}
    assert listed(client.get(f"/cases?coordinator={intake_user.id}")) == cases


def test_pagination_keeps_the_filter(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    wanted = [make.case(mode="advice", received_at=datetime(2026, 3, day, 12, tzinfo=UTC)) for day in range(1, 6)]
    for day in range(1, 6):
        make.case(mode="regie", received_at=datetime(2026, 3, day, 13, tzinfo=UTC))
    newest_first = [case.reference for case in reversed(wanted)]
    first = client.get("/cases?mode=advice&from=2026-03-01")
    assert listed(first) == set(newest_first[:2])
    assert "5 casussen passen bij de filters" in first.text
    links = {html.unescape(href) for href in re.findall(r'href="(/cases\?[^"]*page=[^"]*)"', first.text)}
    assert links, "no pagination links"
    for link in links:
        assert parse_qs(urlsplit(link).query) | {"page": ["x"]} == {"mode": ["advice"], "from": ["2026-03-01"],
                                                                     "page": ["x"]}, link
    second = next(link for link in links if "page=2" in link)
    assert listed(client.get(second)) == set(newest_first[2:4])
    assert listed(client.get("/cases?mode=advice&from=2026-03-01&page=3")) == set(newest_first[4:])


def test_a_page_past_the_end_shows_the_last_page(app, client, make, monkeypatch):
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    cases = [make.case(received_at=datetime(2026, 3, day, 12, tzinfo=UTC)) for day in range(1, 4)]
    assert listed(client.get("/cases?page=40")) == refs(cases[0])  # the oldest, alone on page 2


def test_the_page_is_labelled_and_says_what_it_shows(client, make, coordinator):
    make.case(coordinator=coordinator, mode="advice")
    page = client.get("/cases").text
    for name, label in (("status", "Status"), ("mode", "Werkwijze"), ("coordinator", "Regisseur"),
                        ("partner", "Betrokken ketenpartner"), ("from", "Geopend vanaf"),
                        ("to", "Geopend tot en met")):
        assert f'<label class="utrecht-form-label" for="{name}">{label}</label>' in page
        assert f'id="{name}" name="{name}"' in page
    assert 'type="date" id="from"' in page and 'type="date" id="to"' in page
    assert ">Filteren</button>" in page and ">Wis filters</a>" in page
    assert re.search(r'<caption class="utrecht-table__caption">\s*1 casus\s*</caption>', page)
    assert "Informatie/advies aan ketenpartner" in page and "Anna de Regisseur" in page and "Open" in page


def test_the_next_planned_meeting_and_every_column_come_without_a_query_per_row(app, client, make, db):
    soon = datetime.now(UTC) + timedelta(days=3)
    with_meeting = make.case()
    make.session.add_all([
        Meeting(case=with_meeting, starts_at=soon + timedelta(days=7), location="Stadhuis", status="planned"),
        Meeting(case=with_meeting, starts_at=soon, location="Stadhuis", status="planned"),
        Meeting(case=with_meeting, starts_at=soon - timedelta(days=1), location="Stadhuis", status="cancelled",
                cancel_reason="Ziek"),
        Meeting(case=with_meeting, starts_at=datetime(2026, 1, 5, 9, tzinfo=UTC), location="Stadhuis",
                status="held"),
    ])
    make.session.commit()
    page = client.get("/cases").text
    assert soon.astimezone(case_list.AMSTERDAM).strftime("%d-%m-%Y") in page
    assert "05-01-2026" not in page

    def statements(count: int) -> int:
        for _ in range(count):
            case = make.case(coordinator=make.user("coordinator"), review_due_at=soon)
            make.report("escalated", case=case)
            make.session.add(Meeting(case=case, starts_at=soon, location="Stadhuis", status="planned"))
            make.session.add(Action(case=case, description="Huisbezoek", status="open", due_at=soon,
                                    owner_user=case.coordinator))
            make.session.commit()
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/cases").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    assert statements(1) == statements(5)


# --- the filter itself ---------------------------------------------------------------------------------------------

def test_parse_reads_a_valid_filter_and_writes_it_back():
    args = {"status": "open", "mode": "undecided", "coordinator": "7", "partner": "politie", "from": "2026-03-01",
            "to": "2026-03-31"}
    parsed = case_list.parse(args)
    assert parsed == case_list.CaseFilter(status="open", mode="undecided", coordinator=7, partner="politie",
                                          opened_from=date(2026, 3, 1), opened_to=date(2026, 3, 31))
    assert parsed.as_args() == args and parsed.is_active
    assert case_list.parse({"coordinator": "none"}).coordinator == case_list.UNASSIGNED
    assert case_list.parse({}) == case_list.CaseFilter() and not case_list.CaseFilter().is_active


def test_parse_offers_only_the_given_choices():
    assert case_list.parse({"coordinator": "7", "partner": "ggz"}, coordinator_ids={8},
                           partner_keys={"politie"}) == case_list.CaseFilter()
    assert case_list.parse({"coordinator": "none"}, coordinator_ids=set()).coordinator == case_list.UNASSIGNED


# --- the columns, the default order and sorting ---------------------------------------------------------------------

def _with_report(make, case, **report):
    make.report("escalated", case=case, **report)
    return case


def _action(make, case, due_at, status="open"):
    make.session.add(Action(case=case, description="Huisbezoek", status=status, due_at=due_at,
                            owner_user=make.user("coordinator"),
                            finished_at=None if status == "open" else datetime.now(UTC)))
    make.session.commit()


def ordered(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<th class="utrecht-table__cell" scope="row"[^>]*><a [^>]*>([^<]+)</a>', response.text)


def test_every_case_shows_address_category_deadlines_and_coordinator(client, make, coordinator):
    late = _with_report(make, make.case(coordinator=coordinator, review_due_at=due_in(-3)),
                        street="Stratumseind", house_number=12, postcode="5611ET", city="Eindhoven",
                        category=make.category("intimidatie"))
    make.report("escalated", case=late, street="Markt", house_number=1, category=make.category("vervuiling"))
    _action(make, late, due_in(-1))
    _action(make, late, due_in(-2))
    soon = _with_report(make, make.case(review_due_at=due_in(1)), category=make.category("overig"))
    _action(make, soon, due_in(-1))
    closed = _with_report(make, make.case("closed"))
    page = html.unescape(client.get("/cases").text)
    for column in ("Kenmerk", "Adres", "Categorie", "Geopend", "Termijnen", "Regisseur", "Werkwijze"):
        assert f">{column}" in page, column
    assert "Stratumseind 12, 5611 ET Eindhoven" in page and "(en 1 ander adres)" in page
    assert "Intimidatie, Vervuiling" in page and "Anna de Regisseur" in page and "Nog niet toegewezen" in page
    assert "herbeoordeling: " in page and "3 werkdagen te laat" in page and "nog 1 werkdag" in page
    assert "2 afspraken te laat" in page and "1 afspraak te laat" in page and "afspraak/afspraken" not in page
    assert f"Gesloten op {closed.closed_at.astimezone(case_list.AMSTERDAM).strftime('%d-%m-%Y')}" in page


def test_the_most_urgent_case_comes_first(client, make):
    closed = make.case("closed")
    later = make.case(review_due_at=due_in(10))
    action_soon = make.case(review_due_at=due_in(20))
    _action(make, action_soon, due_in(2))
    overdue = make.case(review_due_at=due_in(-1))
    assert ordered(client.get("/cases")) == [overdue.reference, action_soon.reference, later.reference,
                                             closed.reference]


@pytest.fixture
def three_cases(make, coordinator):
    bram = make.user("coordinator", name="Bram Bakker")
    first = _with_report(make, make.case(reference="GDT-2026-000102", coordinator=bram, review_due_at=due_in(2),
                                         opened_at=datetime(2026, 3, 2, 9, tzinfo=UTC)),
                         street="Zuidstraat", category=make.category("vervuiling"))
    second = _with_report(make, make.case(reference="GDT-2026-000101", review_due_at=due_in(1),
                                          opened_at=datetime(2026, 3, 3, 9, tzinfo=UTC)),
                          street="Akkerweg", category=make.category("overig"))
    third = _with_report(make, make.case(reference="GDT-2026-000103", coordinator=coordinator,
                                         review_due_at=due_in(3), opened_at=datetime(2026, 3, 1, 9, tzinfo=UTC)),
                         street="Markt", category=make.category("drugsoverlast"))
    return first, second, third


@pytest.mark.parametrize(("key", "order"), [
    ("reference", (1, 0, 2)), ("address", (1, 2, 0)), ("category", (2, 1, 0)), ("opened", (2, 0, 1)),
    ("deadline", (1, 0, 2)), ("coordinator", (2, 0, 1)),  # Anna, Bram, then the case without one
])
def test_every_column_sorts_both_ways(client, three_cases, key, order):
    expected = [three_cases[index].reference for index in order]
    ascending = client.get(f"/cases?sort={key}&status=open")
    assert ordered(ascending) == expected
    assert ascending.text.count("aria-sort=") == 1 and 'aria-sort="ascending"' in ascending.text
    assert f'href="/cases?sort=-{key}&amp;status=open"' in ascending.text  # the header link keeps the filter
    descending = client.get(f"/cases?sort=-{key}&status=open")
    assert 'aria-sort="descending"' in descending.text
    if key != "coordinator":
        assert ordered(descending) == expected[::-1]
    else:  # the case without a coordinator stays last
        assert ordered(descending) == [expected[1], expected[0], expected[2]]


def test_category_filter_lists_cases_with_a_report_of_that_category(client, make):
    mixed = _with_report(make, make.case(), category=make.category("overig"))
    make.report("escalated", case=mixed, category=make.category("drugsoverlast"))
    other = _with_report(make, make.case(), category=make.category("overig"))
    _with_report(make, make.case(), category=make.category("vervuiling"))
    assert listed(client.get("/cases?category=drugsoverlast")) == refs(mixed)
    assert listed(client.get("/cases?category=overig")) == refs(mixed, other)
    assert '<label class="utrecht-form-label" for="category">Categorie</label>' in client.get("/cases").text


def test_overdue_filter(client, make):
    review_late = make.case(review_due_at=due_in(-1))
    action_late = make.case(review_due_at=due_in(5))
    _action(make, action_late, due_in(-2))
    done_late = make.case(review_due_at=due_in(5))
    _action(make, done_late, due_in(-2), status="done")
    make.case("closed", review_due_at=due_in(-4))  # a closed case is never late
    assert listed(client.get("/cases?overdue=review")) == refs(review_late)
    assert listed(client.get("/cases?overdue=actions")) == refs(action_late)
    assert listed(client.get("/cases?overdue=any")) == refs(review_late, action_late)
    assert len(listed(client.get("/cases?overdue=soon"))) == 4  # junk is ignored


def test_pages_of_the_default_order_run_from_the_open_cases_into_the_closed_ones(app, client, make, coordinator,
                                                                                  monkeypatch):
    """The page reads open and closed cases apart (fast at 100 000 cases); the order is the one of query()."""
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    for day in range(1, 4):
        make.case(review_due_at=due_in(day), opened_at=datetime(2026, 3, day, 9, tzinfo=UTC))
        make.case("closed", received_at=datetime(2026, 2, day, 9, tzinfo=UTC))
    expected = [case.reference for case in make.session.scalars(
        case_list.query(coordinator, case_list.CaseFilter()))]
    shown = [reference for page in (1, 2, 3) for reference in ordered(client.get(f"/cases?page={page}"))]
    assert shown == expected and len(shown) == 6
    assert ordered(client.get("/cases?page=9")) == expected[4:]  # past the end: the last page
    assert "Pagina 2 van 3 (6 in totaal)" in client.get("/cases?page=2").text

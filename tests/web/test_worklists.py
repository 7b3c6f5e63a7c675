"""The work list pages: save from the report queue and the case list, open with the filter, the overview's buttons,
the start page's pinned lists with their counts, per role."""
import sqlalchemy as sa

from gdt.models import AuditEvent, SavedList
from gdt.services.worklists import saved_lists


def _save(client, **form):
    return client.post("/werklijsten/nieuw", data={"sharing": "personal"} | form)


def test_the_case_list_offers_to_save_its_filter(client_as):
    page = client_as("coordinator").get("/cases?status=open&mode=regie").get_data(as_text=True)
    assert "Bewaar als werklijst" in page
    assert 'name="filter-status" value="open"' in page and 'name="filter-mode" value="regie"' in page


def test_the_queue_offers_intake_to_save_but_not_to_share(client_as):
    page = client_as("intake").get("/intake/queue?age=overdue").get_data(as_text=True)
    assert 'name="filter-age" value="overdue"' in page
    assert 'name="sharing"' not in page


def test_saving_opens_the_list_page_with_the_saved_filter(client_as, make):
    client = client_as("coordinator")
    saved = _save(client, kind="cases", name="Open regie", **{"filter-status": "open", "filter-mode": "regie",
                                                               "filter-name": "Jansen"})
    assert saved.status_code == 302
    opened = client.get(saved.headers["Location"])
    assert opened.status_code == 302
    assert opened.headers["Location"] == "/cases?status=open&mode=regie"
    assert make.session.scalar(sa.select(SavedList.filters)) == {"status": "open", "mode": "regie"}


def test_an_intake_clerks_saved_queue_opens_their_queue(client_as):
    client = client_as("intake")
    saved = _save(client, kind="reports", name="Te laat", **{"filter-age": "overdue"})
    assert client.get(saved.headers["Location"]).headers["Location"] == "/intake/queue?age=overdue"


def test_saving_without_a_name_shows_the_form_again_and_saves_nothing(client_as, make):
    answer = _save(client_as("coordinator"), kind="cases", name="", **{"filter-status": "closed"})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Geef de werklijst een naam" in page and 'name="filter-status" value="closed"' in page
    assert make.session.scalar(sa.select(sa.func.count()).select_from(SavedList)) == 0


def test_intake_cannot_save_the_case_list(client_as, make):
    answer = _save(client_as("intake"), kind="cases", name="Casussen")
    assert answer.status_code == 422
    assert make.session.scalar(sa.select(sa.func.count()).select_from(SavedList)) == 0


def test_the_overview_shows_my_lists_and_the_teams_shared_ones(client_as, make):
    owner, colleague = make.user("coordinator", name="Anna Regisseur"), make.user("coordinator")
    saved_lists.create(owner, name="Gedeeld overzicht", kind="cases", shared=True)
    saved_lists.create(owner, name="Privé overzicht", kind="cases")
    page = client_as(user=colleague).get("/werklijsten").get_data(as_text=True)
    assert "Gedeeld overzicht" in page and "Anna Regisseur" in page
    assert "Privé overzicht" not in page
    assert "Hernoemen" not in page  # not theirs to change


def test_a_colleagues_personal_list_answers_not_found(client_as, make):
    saved = saved_lists.create(make.user("coordinator"), name="Privé", kind="cases")
    client = client_as("coordinator")
    assert client.get(f"/werklijsten/{saved.id}").status_code == 404
    assert client.get(f"/werklijsten/{saved.id}/naam").status_code == 404


def test_a_colleague_may_not_rename_a_shared_list(client_as, make):
    saved = saved_lists.create(make.user("coordinator"), name="Gedeeld", kind="cases", shared=True)
    client = client_as("coordinator")
    assert client.post(f"/werklijsten/{saved.id}/naam", data={"name": "Van mij", "version": "1"}).status_code == 403
    assert saved.name == "Gedeeld"


def test_rename_share_pin_and_delete_from_the_overview(client_as, make):
    owner = make.user("coordinator")
    saved = saved_lists.create(owner, name="Eerst", kind="cases", raw_filters={"status": "open"})
    client = client_as(user=owner)
    assert client.get(f"/werklijsten/{saved.id}/naam").status_code == 200
    client.post(f"/werklijsten/{saved.id}/naam", data={"name": "Open casussen", "version": saved.version})
    make.session.refresh(saved)
    client.post(f"/werklijsten/{saved.id}/delen", data={"shared": "1", "version": saved.version})
    client.post(f"/werklijsten/{saved.id}/vastzetten")
    make.session.refresh(saved)
    assert saved.name == "Open casussen" and saved.shared_with_team
    assert saved_lists.pinned(owner) == [saved]
    client.post(f"/werklijsten/{saved.id}/losmaken")
    assert saved_lists.pinned(owner) == []
    assert client.get(f"/werklijsten/{saved.id}/verwijderen").status_code == 200
    gone = client.post(f"/werklijsten/{saved.id}/verwijderen", data={"version": saved.version})
    assert gone.status_code == 302
    assert make.session.scalar(sa.select(sa.func.count()).select_from(SavedList)) == 0


def test_a_stale_share_changes_nothing_and_says_why(client_as, make):
    owner = make.user("coordinator")
    saved = saved_lists.create(owner, name="Lijst", kind="cases")
    client = client_as(user=owner)
    answer = client.post(f"/werklijsten/{saved.id}/delen", data={"shared": "1", "version": "99"},
                         follow_redirects=True)
    assert "door iemand anders gewijzigd" in answer.get_data(as_text=True)
    make.session.refresh(saved)
    assert not saved.shared_with_team


def test_the_start_page_shows_pinned_lists_with_their_counts(client_as, make):
    owner = make.user("coordinator")
    make.case("open"), make.case("open"), make.case("closed", result="de-escalated")
    saved = saved_lists.create(owner, name="Alle open casussen", kind="cases", raw_filters={"status": "open"})
    saved_lists.pin(owner, saved)
    page = client_as(user=owner).get("/start").get_data(as_text=True)
    assert "Alle open casussen" in page and "2 casussen" in page


def test_without_pinned_lists_the_start_page_has_no_work_list_section(client_as):
    assert "Mijn werklijsten" not in client_as("coordinator").get("/start").get_data(as_text=True)


def test_a_saved_search_is_posted_and_its_text_never_in_an_address(client_as, make):
    owner = make.user("coordinator")
    client = client_as(user=owner)
    saved = _save(client, kind="search", name="Buren", search_text="Piet Jansen")
    assert saved.status_code == 302 and "Jansen" not in saved.headers["Location"]
    opened = client.get(saved.headers["Location"])
    assert opened.status_code == 200
    page = opened.get_data(as_text=True)
    assert "Gevonden voor" in page and 'value="Piet Jansen"' in page
    assert make.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                               .where(AuditEvent.action == "create_saved_search")) == 1
    assert make.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                               .where(AuditEvent.object_type == "search")) >= 1


def test_a_saved_search_runs_under_the_viewers_own_need_to_know(client_as, make):
    clerk = make.user("intake")
    mine = make.report(registered_by_id=clerk.id, street="Dorpsstraat")
    other = make.report(street="Dorpsstraat")
    saved = saved_lists.create(clerk, name="Dorpsstraat", kind="search", search_text="Dorpsstraat")
    page = client_as(user=clerk).get(f"/werklijsten/{saved.id}").get_data(as_text=True)
    assert mine.reference in page and other.reference not in page


def test_partners_and_managers_have_no_work_lists(client_as):
    for role in ("partner", "manager"):
        assert client_as(role).get("/werklijsten").status_code == 403


def test_the_search_page_partial_posts_the_text_and_keeps_it_out_of_the_address(app, make):
    from flask import render_template_string
    from flask_login import login_user

    coordinator = make.user("coordinator")
    with app.test_request_context("/zoeken", method="POST"):
        login_user(coordinator)
        html = render_template_string('{% with worklist_kind="search", worklist_search=text %}'
                                      '{% include "worklists/_save.html" %}{% endwith %}', text="Piet Jansen")
    assert 'method="post" action="/werklijsten/nieuw"' in html
    assert 'name="search_text" value="Piet Jansen"' in html and 'name="kind" value="search"' in html

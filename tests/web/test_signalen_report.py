"""A report that came through Signalen says so on its page: the signal's number, when it happened, and a refused
status update for the admin to look into."""
from datetime import UTC, datetime

from gdt.models.signalen import SignalenSignal


def test_the_report_page_names_the_signal(db, make, client_as):
    report = make.report()
    db.session.add(SignalenSignal(signal_id=12, id_display="SIG-12", report_id=report.id,
                                  incident_at=datetime(2026, 11, 2, 22, 30, tzinfo=UTC), refusal="HTTP 400: ongeldig",
                                  refused_at=datetime(2026, 11, 3, 9, 0, tzinfo=UTC)))
    db.session.commit()
    page = client_as("coordinator").get(f"/reports/{report.reference}").get_data(as_text=True)
    assert 'id="signalen"' in page and "SIG-12" in page and "overlast op 02-11-2026 23:30" in page
    assert "Signalen weigerde de laatste statuswijziging" in page and "HTTP 400: ongeldig" in page


def test_a_report_from_elsewhere_shows_nothing_of_signalen(db, make, client_as):
    report = make.report()
    assert 'id="signalen"' not in client_as("coordinator").get(f"/reports/{report.reference}").get_data(as_text=True)

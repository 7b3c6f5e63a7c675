def test_login_page_renders(app, db):
    response = app.test_client().get("/login")
    assert response.status_code == 200
    assert b"Inloggen" in response.data

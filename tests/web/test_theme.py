"""The municipality's look comes from the settings: name, logo and NL Design System theme (README, "Look and
feel"); a wrong setting stops the app at start-up with the setting's name, and /theme/ serves nothing else."""
import pytest

from gdt.web.theme.settings import ThemeSettingError
from tests.apps import own_app

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d4944415478da63f8cfc0f01f0005000201a0c1f6e40000000049454e44ae426082")


def fetch(client, path, **options):
    """A file response, read and closed (its file handle with it)."""
    response = client.get(path, **options)
    response.get_data()
    response.close()
    return response


def test_the_default_look_is_the_neutral_theme_with_its_shipped_font(app, db):
    client = app.test_client()
    page = client.get("/login").text
    assert '<html lang="nl" class="voorbeeld-theme gdt-theme">' in page
    assert '<span class="gdt-brand__municipality">Gemeente Voorbeeld</span>' in page
    assert '<img class="gdt-brand__logo" src="/theme/logo"' in page
    assert page.index("/static/fonts/fonts.css") < page.index("/theme/theme.css") < page.index("/static/gdt.css")

    tokens = fetch(client, "/theme/theme.css")
    assert tokens.status_code == 200 and tokens.mimetype == "text/css"
    assert '--basis-heading-font-family: "Noto Sans", sans-serif;' in tokens.text
    fonts = fetch(client, "/static/fonts/fonts.css").text
    assert 'src: url("noto-sans/NotoSans-Regular.woff2") format("woff2");' in fonts
    woff2 = fetch(client, "/static/fonts/noto-sans/NotoSans-Regular.woff2")
    assert woff2.status_code == 200 and woff2.data[:4] == b"wOF2"
    assert "SIL Open Font License" in fetch(client, "/static/fonts/noto-sans/OFL.txt").text

    logo = fetch(client, "/theme/logo")
    assert logo.mimetype == "image/svg+xml" and logo.data.lstrip().startswith(b"<svg")
    assert "sandbox" in logo.headers["Content-Security-Policy"]  # opened on its own, an SVG runs nothing


def test_the_example_theme_name_and_logo_come_from_the_settings():
    with own_app(THEME="rivierstad", MUNICIPALITY_NAME="Gemeente Rivierstad") as app:
        client = app.test_client()
        page = client.get("/login").text
        assert '<span class="gdt-brand__municipality">Gemeente Rivierstad</span>' in page
        assert '<p class="gdt-footer__owner">Gemeente Rivierstad</p>' in page
        assert "Gemeente Voorbeeld" not in page
        tokens = fetch(client, "/theme/theme.css").text
        assert '--basis-text-font-family-default: "Open Sans", sans-serif;' in tokens
        assert "--rivierstad-groen-500" in tokens
        assert b"Rivierstad" in fetch(client, "/theme/logo").data  # the theme's own logo when none is set


def test_a_municipalitys_own_token_file_logo_and_fonts(tmp_path):
    (tmp_path / "huisstijl.css").write_text('.gemeente-theme { --basis-text-font-family-default: "Eigen Sans"; }')
    (tmp_path / "EigenSans.woff2").write_bytes(b"wOF2 not really")
    (tmp_path / "notes.txt").write_text("not for the browser")
    (tmp_path / ".env").write_text("SECRET=1")
    (tmp_path / "logo.png").write_bytes(PNG)
    with own_app(THEME=str(tmp_path / "huisstijl.css"), THEME_CLASS="gemeente-theme",
                 MUNICIPALITY_LOGO=str(tmp_path / "logo.png"), MUNICIPALITY_NAME="Gemeente Elders") as app:
        client = app.test_client()
        page = client.get("/login").text
        assert 'class="voorbeeld-theme gdt-theme gemeente-theme"' in page
        assert '<link rel="stylesheet" href="/theme/huisstijl.css">' in page
        assert "Eigen Sans" in fetch(client, "/theme/huisstijl.css").text
        font = fetch(client, "/theme/EigenSans.woff2")
        assert font.status_code == 200 and font.mimetype == "font/woff2"
        logo = fetch(client, "/theme/logo")
        assert logo.mimetype == "image/png" and logo.data == PNG
        for refused in ("/theme/notes.txt", "/theme/.env", "/theme/../config.py", "/theme/%2e%2e/config.py",
                        "/theme/missing.css"):
            assert fetch(client, refused).status_code == 404, refused


def test_a_theme_folder_with_a_theme_css(tmp_path):
    (tmp_path / "theme.css").write_text(".gdt-theme { --basis-heading-color: #123456; }")
    with own_app(THEME=str(tmp_path)) as app:
        client = app.test_client()
        assert "#123456" in fetch(client, "/theme/theme.css").text
        assert fetch(client, "/theme/logo").data.lstrip().startswith(b"<svg")  # no logo there: the neutral one


@pytest.mark.parametrize(("settings", "named"), [
    ({"THEME": "paars"}, "THEME 'paars': no such theme; shipped are neutral, rivierstad"),
    ({"THEME": "/nowhere/tokens.css"}, "THEME '/nowhere/tokens.css'"),
    ({"MUNICIPALITY_LOGO": "/nowhere/logo.svg"}, "MUNICIPALITY_LOGO '/nowhere/logo.svg'"),
    ({"MUNICIPALITY_NAME": "  "}, "MUNICIPALITY_NAME is empty"),
    ({"THEME_CLASS": 'x" onload="y'}, "THEME_CLASS"),
])
def test_a_wrong_setting_stops_the_start_and_names_itself(settings, named):
    with pytest.raises(ThemeSettingError, match=named), own_app(**settings):
        pass


def test_a_logo_must_be_svg_or_png(tmp_path):
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    with pytest.raises(ThemeSettingError, match="not an existing .svg or .png file"), \
            own_app(MUNICIPALITY_LOGO=str(tmp_path / "logo.gif")):
        pass


def test_theme_files_are_cached_like_static_files_for_staff_too(client_as):
    client = client_as("coordinator")
    assert client.get("/start").headers["Cache-Control"] == "no-store"
    for path in ("/theme/theme.css", "/theme/logo", "/static/gdt.css"):
        response = fetch(client, path)
        assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", ""), path
        assert fetch(client, path, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304, path


def test_the_503_page_carries_the_municipality_too(app):
    from flask import render_template
    with app.test_request_context("/melden"):
        page = render_template("errors/503.html")
    assert '<span class="gdt-brand__municipality">Gemeente Voorbeeld</span>' in page
    assert "/theme/theme.css" in page

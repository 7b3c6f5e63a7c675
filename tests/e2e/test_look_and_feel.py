"""The look in a real browser, for every role at 1280 and 320 px: every page of the role's menu in the shipped
typeface (loaded from our own origin, no serif anywhere), the menu as a bar or as a <details> disclosure that works
without script, the language choice on one line, axe clean; and the example theme chosen by a setting."""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

import config
from gdt import create_app
from gdt.db import db
from gdt.services.admin import users
from gdt.services.core import reference_data
from tests.e2e.conftest import PASSWORD, assert_accessible

pytestmark = pytest.mark.e2e
SCREENSHOTS = os.environ.get("GDT_E2E_SCREENSHOTS")  # a folder: keep a screenshot of each page for review
ROLES = ("intake", "coordinator", "manager", "admin", "partner")
SERIF = ("serif", "times", "times new roman", "georgia", "dejavu serif", "liberation serif", "noto serif",
         "cambria", "garamond", "palatino")

# Every element's font stack, and whether a stack names a serif face or the generic serif.
FONT_STACKS = """() => {
  const stacks = {};
  for (const element of document.querySelectorAll('body, body *')) {
    if (['SCRIPT', 'STYLE'].includes(element.tagName)) continue;
    const stack = getComputedStyle(element).fontFamily;
    (stacks[stack] = stacks[stack] || []).push(element.tagName.toLowerCase());
  }
  return stacks;
}"""
FIRST_FAMILY = """selector => [...document.querySelectorAll(selector)].map(
  element => getComputedStyle(element).fontFamily.split(',')[0].trim().replace(/^"|"$/g, ''))"""
LOADED_FACES = """async () => {
  await document.fonts.ready;
  return [...document.fonts].filter(face => face.status === 'loaded')
    .map(face => `${face.family.replace(/"/g, '')} ${face.weight}`);
}"""
# The language choice: every part on one line (their boxes overlap vertically) and inside the window.
LANGUAGE_LINE = """() => {
  const boxes = [...document.querySelectorAll('.gdt-language__choices > *')].map(e => e.getBoundingClientRect());
  return {count: boxes.length, oneLine: Math.max(...boxes.map(b => b.top)) < Math.min(...boxes.map(b => b.bottom)),
          right: Math.max(...boxes.map(b => b.right))};
}"""


@pytest.fixture(scope="module")
def admin(live_app):
    with live_app.app_context():
        users.create_user("admin@gdt.test", "Admin Test", "admin", PASSWORD, actor=None)
        db.session.remove()


def _open(browser, base_url, width, role=None, javascript=True):
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(10_000)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    if role:
        page.goto(f"{base_url}/login")
        page.fill("#email", f"{role}@gdt.test")
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_load_state()
    return page, requests


def _check_look(axe, page, width, family, name):
    """The typeface, the language line, the header and footer within the window, axe."""
    stacks = page.evaluate(FONT_STACKS)
    serif = {stack: tags[:5] for stack, tags in stacks.items()
             if any(part.strip().strip('"').lower() in SERIF for part in stack.split(","))}
    assert serif == {}, (name, serif)
    for selector in ("h1, h2, h3, h4", "label, legend", "p, td, th, a, button"):
        assert set(page.evaluate(FIRST_FAMILY, selector)) <= {family}, (name, selector)
    loaded = page.evaluate(LOADED_FACES)
    assert f"{family} 400" in loaded, (name, loaded)
    assert page.evaluate("family => document.fonts.check(`700 16px \"${family}\"`)", family), name
    language = page.evaluate(LANGUAGE_LINE)
    assert language["count"] == 3 and language["oneLine"] and language["right"] <= width, (name, language)
    for part in ("header", "footer", ".gdt-nav"):
        if page.locator(part).count():
            assert page.locator(part).evaluate("e => e.scrollWidth <= e.clientWidth"), (name, part)
    assert_accessible(axe, page)
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"look-{name}-{width}.png"))


def _menu(page, width):
    """The menu's links as shown at this width: the bar, or the disclosure opened."""
    if width == 320:
        assert not page.locator(".gdt-nav__list").is_visible()
        page.locator(".gdt-nav__toggle").click()
        links = page.locator(".gdt-nav__compact-list a")
    else:
        assert not page.locator(".gdt-nav__compact").is_visible()
        links = page.locator(".gdt-nav__list a")
    assert all(links.nth(index).is_visible() for index in range(links.count()))
    return [(links.nth(index).inner_text(), links.nth(index).get_attribute("href")) for index in range(links.count())]


@pytest.mark.parametrize("width", [1280, 320])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_roles_menu(browser, base_url, axe, admin, role, width):
    page, requests = _open(browser, base_url, width, role)
    menu = _menu(page, width)
    assert menu, role
    for label, href in menu:
        page.goto(f"{base_url}{href}")
        assert page.locator("h1").count() == 1, href
        current = page.locator(".gdt-nav__compact-list a[aria-current='page']" if width == 320
                               else ".gdt-nav__list a[aria-current='page']")
        assert current.count() == 1 and current.text_content().strip() == label, href
        assert "Gemeente Voorbeeld" in page.inner_text("header")
        _check_look(axe, page, width, "Noto Sans", f"{role}{href.replace('/', '-')}")
    assert all(url.startswith(base_url) for url in requests), [url for url in requests if not url.startswith(base_url)]
    page.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_public_pages_have_the_municipality_header_and_no_menu(browser, base_url, axe, width):
    page, requests = _open(browser, base_url, width)
    for path in ("/melden", "/login"):
        page.goto(f"{base_url}{path}")
        assert page.locator(".gdt-brand__municipality").inner_text() == "Gemeente Voorbeeld"
        assert page.locator("nav, .gdt-account").count() == 0
        _check_look(axe, page, width, "Noto Sans", f"public{path.replace('/', '-')}")
    assert all(url.startswith(base_url) for url in requests)
    page.context.close()


# The content box of each page part: where its content starts and ends.
CONTENT_EDGES = """() => Object.fromEntries(['.gdt-header__content', '.gdt-nav__content', '.gdt-body__content',
  '.gdt-footer__content'].map(selector => {
    const element = document.querySelector(selector), box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return [selector, [Math.round(box.left + parseFloat(style.paddingLeft)),
                       Math.round(box.right - parseFloat(style.paddingRight))]];
  }))"""


@pytest.mark.parametrize(("width", "gutter"), [(1280, 32), (320, 16)])
def test_header_menu_body_and_footer_share_one_content_width_and_rhythm(browser, base_url, width, gutter):
    page, _ = _open(browser, base_url, width, "coordinator")
    page.goto(f"{base_url}/statistics/indicators")
    edges = {part: tuple(edge) for part, edge in page.evaluate(CONTENT_EDGES).items()}
    assert len(set(edges.values())) == 1, edges  # one left and one right edge for every part
    left, right = edges[".gdt-body__content"]
    page_width = 1140 if width == 1280 else width  # --basis-page-max-inline-size of the example tokens
    assert right - left == page_width - 2 * gutter and left == (width - page_width) // 2 + gutter, edges
    rhythm = page.evaluate("""() => ({h1: getComputedStyle(document.querySelector('main h1')).marginBlockEnd,
        top: getComputedStyle(document.querySelector('.gdt-body__content')).paddingBlockStart})""")
    assert rhythm == {"h1": "20px", "top": "32px"}  # --basis-space-block-2xl and -4xl
    page.context.close()


def test_the_compact_menu_opens_without_javascript(browser, base_url):
    page, _ = _open(browser, base_url, 320, "coordinator", javascript=False)
    page.goto(f"{base_url}/cases")
    assert not page.locator(".gdt-nav__compact-list").is_visible()
    page.locator(".gdt-nav__toggle").click()
    assert page.locator(".gdt-nav__compact-list").is_visible()
    page.locator(".gdt-nav__compact-list a", has_text="Statistieken").click()
    page.wait_for_load_state()
    assert page.url.endswith("/statistics") or "/statistics/" in page.url
    page.context.close()


def test_the_language_switch_changes_the_language_in_one_click(browser, base_url):
    page, _ = _open(browser, base_url, 320)
    page.goto(f"{base_url}/login")
    page.locator(".gdt-language__option", has_text="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".gdt-language__current").inner_text() == "English"
    page.locator(".gdt-language__option", has_text="Nederlands").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nl"
    page.context.close()


@pytest.fixture(scope="module")
def example_theme_url(tmp_path_factory):
    """The app once more, with the example theme and another name chosen by the settings."""
    class ThemedConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('themed') / 'gdt.sqlite'}"
        WTF_CSRF_ENABLED = True
        THEME = "rivierstad"
        MUNICIPALITY_NAME = "Gemeente Rivierstad"

    app = create_app(ThemedConfig)
    with app.app_context():
        db.create_all()
        reference_data.ensure_defaults()
        users.create_user("coordinator@gdt.test", "Coordinator Test", "coordinator", PASSWORD, actor=None)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_example_theme_is_chosen_by_a_setting(browser, example_theme_url, axe, width):
    page, requests = _open(browser, example_theme_url, width, "coordinator")
    for path in ("/start", "/cases", "/melden"):
        page.goto(f"{example_theme_url}{path}")
        assert page.locator(".gdt-brand__municipality").inner_text() == "Gemeente Rivierstad"
        assert page.locator(".gdt-brand__logo").evaluate("image => image.complete && image.naturalWidth > 0")
        _check_look(axe, page, width, "Open Sans", f"rivierstad{path.replace('/', '-')}")
    page.goto(f"{example_theme_url}/start")
    assert page.locator(".gdt-nav").evaluate("nav => getComputedStyle(nav).backgroundColor") == "rgb(11, 90, 68)"
    assert all(url.startswith(example_theme_url) for url in requests)
    page.context.close()

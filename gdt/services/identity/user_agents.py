"""A browser's User-Agent header in plain words for "Mijn sessies": "Firefox op Windows", "Safari op iPhone".

A small parser on purpose: the page needs the browser family and the operating system, not versions or devices,
and no library for it is among the project's dependencies. The order of the checks matters: Edge and Opera
also call themselves Chrome, Chrome also calls itself Safari, Android also says Linux, an iPad may say Mac OS.
"""
import re

from flask_babel import gettext as _

# (pattern, name): the first that matches wins.
BROWSERS = (
    (r"\bEdg(e|A|iOS)?/", "Edge"),
    (r"\b(OPR|Opera)[/ ]", "Opera"),
    (r"\bSamsungBrowser/", "Samsung Internet"),
    (r"\b(Firefox|FxiOS)/", "Firefox"),
    (r"\bVivaldi/", "Vivaldi"),
    (r"\b(HeadlessChrome|Chrome|CriOS|Chromium)/", "Chrome"),
    (r"\bVersion/[\d.]+.*\bSafari/", "Safari"),
    (r"\b(MSIE |Trident/)", "Internet Explorer"),
    (r"^curl/", "curl"),
    (r"^python-requests/", "Python"),
)
SYSTEMS = (
    (r"\biPhone\b", "iPhone"),
    (r"\biPad\b", "iPad"),
    (r"\bAndroid\b", "Android"),
    (r"\bCrOS\b", "ChromeOS"),
    (r"\bWindows\b", "Windows"),
    (r"\bMac OS X\b|\bMacintosh\b", "macOS"),
    (r"\bLinux\b|\bX11\b", "Linux"),
)


def browser_and_system(user_agent: str | None) -> tuple[str | None, str | None]:
    """The browser's and the operating system's name, each None when not recognised."""
    text = user_agent or ""
    return _first(BROWSERS, text), _first(SYSTEMS, text)


def describe(user_agent: str | None) -> str:
    """"Firefox op Windows"; "Firefox" or "Browser op Windows" when half is known; "Onbekende browser"."""
    browser, system = browser_and_system(user_agent)
    if browser and system:
        return _("%(browser)s op %(system)s", browser=browser, system=system)
    if system:
        return _("Browser op %(system)s", system=system)
    return browser or _("Onbekende browser")


def _first(patterns: tuple[tuple[str, str], ...], text: str) -> str | None:
    return next((name for pattern, name in patterns if re.search(pattern, text)), None)

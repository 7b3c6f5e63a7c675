"""Which theme, logo and name the settings choose, checked once at start-up so a typo fails loudly, not as a page
without styles."""
import re
from dataclasses import dataclass
from pathlib import Path

SHIPPED_THEMES = Path(__file__).resolve().parents[2] / "static" / "themes"
DEFAULT_LOGO = SHIPPED_THEMES / "neutral" / "logo.svg"
STYLESHEET = "theme.css"
# What /theme/ serves from a theme's folder, and as what (nothing else there is ever sent).
ASSET_TYPES = {".css": "text/css", ".woff2": "font/woff2", ".woff": "font/woff", ".svg": "image/svg+xml",
               ".png": "image/png"}
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
_CSS_CLASSES = re.compile(r"[A-Za-z_-][A-Za-z0-9_-]*(\s+[A-Za-z_-][A-Za-z0-9_-]*)*")


class ThemeSettingError(RuntimeError):
    """A look-and-feel setting names something that is not there; the message says which setting and why."""


@dataclass(frozen=True)
class Theme:
    municipality_name: str
    folder: Path  # served at /theme/<file>
    stylesheet: str  # the design tokens, a file in `folder`
    logo: Path
    css_class: str  # extra class(es) on <html>, for a token file scoped to its own class

    @property
    def logo_type(self) -> str:
        return LOGO_TYPES[self.logo.suffix.lower()]


def shipped_themes() -> list[str]:
    return sorted(path.parent.name for path in SHIPPED_THEMES.glob(f"*/{STYLESHEET}"))


def resolve(config) -> Theme:
    """MUNICIPALITY_NAME, THEME, MUNICIPALITY_LOGO and THEME_CLASS as one checked Theme."""
    name = (config.get("MUNICIPALITY_NAME") or "").strip()
    if not name:
        raise ThemeSettingError("MUNICIPALITY_NAME is empty: set the municipality's name, e.g. 'Gemeente Rivierstad'.")
    folder, stylesheet = _theme_files(config.get("THEME") or "neutral")
    css_class = (config.get("THEME_CLASS") or "").strip()
    if css_class and not _CSS_CLASSES.fullmatch(css_class):
        raise ThemeSettingError(f"THEME_CLASS {css_class!r} is not a list of CSS class names.")
    return Theme(municipality_name=name, folder=folder, stylesheet=stylesheet,
                 logo=_logo(config.get("MUNICIPALITY_LOGO"), folder), css_class=css_class)


def _theme_files(setting: str) -> tuple[Path, str]:
    """A shipped theme's name, a folder with a theme.css, or a CSS file of design tokens."""
    if "/" not in setting and not setting.endswith(".css"):
        folder = SHIPPED_THEMES / setting
        if not (folder / STYLESHEET).is_file():
            raise ThemeSettingError(f"THEME {setting!r}: no such theme; shipped are {', '.join(shipped_themes())}, "
                                    "or give the path of a folder with a theme.css or of a CSS file.")
        return folder, STYLESHEET
    path = Path(setting).expanduser().resolve()
    if path.is_dir() and (path / STYLESHEET).is_file():
        return path, STYLESHEET
    if path.is_file() and path.suffix.lower() == ".css":
        return path.parent, path.name
    raise ThemeSettingError(f"THEME {setting!r}: neither a folder with a theme.css nor a CSS file.")


def _logo(setting: str | None, theme_folder: Path) -> Path:
    """The configured logo; else the theme's own logo.svg or logo.png; else the neutral one."""
    if setting:
        path = Path(setting).expanduser().resolve()
        if not path.is_file() or path.suffix.lower() not in LOGO_TYPES:
            raise ThemeSettingError(f"MUNICIPALITY_LOGO {setting!r}: not an existing .svg or .png file.")
        return path
    for candidate in (theme_folder / "logo.svg", theme_folder / "logo.png"):
        if candidate.is_file():
            return candidate
    return DEFAULT_LOGO

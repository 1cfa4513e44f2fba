"""The two themes: a high-contrast light one for bright rooms and projectors, and a dark one."""

from __future__ import annotations

from textual.app import App
from textual.theme import Theme

PROJECTOR = Theme(
    name="projector",
    primary="#0a3a8c",
    secondary="#5a2a82",
    accent="#9c4a00",
    warning="#8a5a00",
    error="#b00020",
    success="#0b6b2e",
    foreground="#000000",
    background="#ffffff",
    surface="#f3f3f3",
    panel="#e4e8f0",
    dark=False,
    variables={"footer-key-foreground": "#0a3a8c", "block-cursor-background": "#0a3a8c",
               "block-cursor-foreground": "#ffffff"},
)

PROJECTOR_DARK = Theme(
    name="projector-dark",
    primary="#7cc0ff",
    secondary="#c9a0ff",
    accent="#ffb454",
    warning="#ffd166",
    error="#ff6b6b",
    success="#6bd68b",
    foreground="#ffffff",
    background="#000000",
    surface="#121417",
    panel="#1d2430",
    dark=True,
    variables={"block-cursor-background": "#7cc0ff", "block-cursor-foreground": "#000000"},
)

THEMES = (PROJECTOR, PROJECTOR_DARK)
DEFAULT_THEME = PROJECTOR.name



def start_theme(app: App, name: str) -> None:
    """The theme a starting app opens with, chosen before its stylesheet is first read.

    Setting `app.theme` has Textual read every rule again for the new colours once the app runs (a
    tenth of the start-up's work), although nothing has been read yet: here the theme's variables
    are given to the stylesheet instead, with the classes and the colour filter the theme's watcher
    sets. A stored name that is no theme of the app opens the default one.
    """
    theme = app.get_theme(name) or app.get_theme(DEFAULT_THEME)
    app.set_reactive(App.theme, theme.name)
    classes = {c: False for c in app.classes if c.startswith("-theme-")}
    classes |= {f"-theme-{theme.name}": True, "-dark-mode": theme.dark, "-light-mode": not theme.dark}
    app.update_classes(classes, update=False)
    app._refresh_truecolor_filter(app.ansi_theme)
    app.stylesheet.set_variables(app.get_css_variables())

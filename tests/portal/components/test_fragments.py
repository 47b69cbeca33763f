"""The fragment cache renders once per key and forgets the least recently used first."""

from __future__ import annotations

from markupsafe import Markup

from elkund.portal.components.fragments import LruCache


def test_a_key_is_rendered_once_and_the_oldest_is_dropped_when_full() -> None:
    cache: LruCache[Markup] = LruCache(size=2)
    rendered: list[str] = []

    def render(name: str) -> Markup:
        rendered.append(name)
        return Markup("<p>{}</p>").format(name)

    assert cache.get_or_render("a", lambda: render("a")) == Markup("<p>a</p>")
    assert cache.get_or_render("a", lambda: render("a")) == Markup("<p>a</p>")
    cache.get_or_render("b", lambda: render("b"))
    cache.get_or_render("a", lambda: render("a"))  # a is now the most recently used
    cache.get_or_render("c", lambda: render("c"))  # so b goes
    cache.get_or_render("a", lambda: render("a"))
    cache.get_or_render("b", lambda: render("b"))
    assert rendered == ["a", "b", "c", "b"]
    assert len(cache) == 2

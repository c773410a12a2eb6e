"""axe-core in the browser tests: every page and state a test visits must have no serious or
critical accessibility violation. axe-core is test-only (never served by the app); it is
evaluated through the DevTools protocol, which the page's CSP (script-src 'self') allows."""

from pathlib import Path

AXE_SOURCE = Path(__file__).with_name("vendor").joinpath("axe.min.js")
BLOCKING = ("serious", "critical")
_source: str | None = None


def _axe_source() -> str:
    global _source
    if _source is None:
        _source = AXE_SOURCE.read_text(encoding="utf-8")
    return _source


def violations(page) -> list[dict]:
    """Serious and critical violations on the page as it is now (WCAG 2.1 A/AA rules)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source() + "\n;undefined")
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    return [v for v in found if v["impact"] in BLOCKING]


def assert_accessible(page, where: str = "") -> None:
    found = violations(page)
    assert found == [], f"axe-core on {where or page.url}: {found}"

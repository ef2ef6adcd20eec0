"""Accessibility: axe-core (from npm, ``make install`` runs ``npm ci``) checks the main pages in Chromium.

No page may have a serious or critical violation. The reading pages are also checked on a 360 px wide screen,
where nothing may scroll sideways, and an entry page and the editor are walked through with the Tab key to see
that whatever has the focus shows it.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from feedback import services as feedback_services
from people.models import Team
from policies import services
from policies.services.values import value_create
from search.models import SearchOutcome
from search.services import search_log_record

from ..conftest import revise

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.skipif(
    not AXE.exists(), reason=f"axe-core is not installed ({AXE} missing): run `npm ci` (or `make install`)"
)

BODY = """When an order has not arrived by its promised date, check the courier's tracking first.

> "I'm sorry your order hasn't reached you yet. Let me check where it is right now."

| Days late | What we do |
|---|---|
| 1 to 2 days | Share the tracking link and the courier's new date |
| 5 days or more | Send a replacement at once, or refund if the customer prefers |

> [!WARNING]
> Never ask the customer to wait for the courier's investigation before sending a replacement.

See the [refund policy](refund-policy.md).
"""
HOLD = {"channel": "phone", "situation": "Hold", "text": "May I put you on hold for two minutes?"}
ANSWER = {"metric": "Calls answered", "channel": "phone", "comparison": "within", "value": "60", "unit": "seconds",
          "period": "per day"}  # fmt: skip

M = {"manual": "service"}
ENTRY = {**M, "entry": "late-deliveries"}
FIELDS = ("name", "username", "url_name", "kwargs", "query")  # a page: who opens it, and its address
READING = [
    ("manual home", "carol", "policies:manual_home", M, ""),
    ("entry", "carol", "policies:entry_detail", ENTRY, ""),
    ("search", "carol", "search:results", M, "?q=refund"),
    ("print", "carol", "policies:manual_print", M, ""),
    ("channel", "carol", "policies:channel_detail", {**M, "channel": "phone"}, ""),
    ("channels", "carol", "policies:channel_list", M, ""),
    ("editions", "carol", "policies:edition_list", M, ""),
    ("my home", "carol", "my_home", {}, ""),
]
OTHER = [
    ("new entry", "bob", "policies:entry_create", M, ""),
    ("editor", "bob", "policies:entry_edit", ENTRY, ""),
    ("review", "alice", "policies:entry_review", {**M, "entry": "exchanges"}, ""),
    ("review queue", "alice", "policies:review_queue", M, ""),
    ("review schedule", "alice", "reviews:schedule", M, ""),
    ("people", "alice", "people:person_list", {}, ""),
    ("person", "alice", "people:person_edit", {"username": "carol"}, ""),
    ("teams", "alice", "people:team_list", {}, ""),
    ("team", "alice", "people:team_edit", {"slug": "phone-support"}, ""),
    ("feedback", "alice", "feedback:board", M, ""),
    ("dashboard", "alice", "dashboard:index", M, ""),
    ("failed searches", "alice", "search:misses", M, ""),
    ("shared values", "alice", "values:list", M, ""),
    ("a shared value", "alice", "values:detail", {**M, "name": "refund_window"}, ""),
    ("changing a value", "alice", "values:change", {**M, "name": "refund_window"}, ""),
    ("scripts", "bob", "policies:entry_scripts", ENTRY, ""),
    ("targets", "bob", "policies:entry_targets", ENTRY, ""),
]


@pytest.fixture
def rich_manual(manual, section, make_entry, alice, bob, carol, mallory):
    """A manual with a table, a callout, scripts and targets, an edition, an entry in review and feedback."""
    services.manual_save(manual=manual, user=alice, data={"channels": ["phone", "email"]})
    refunds = make_entry("refund-policy", channels=["phone"])
    entry = make_entry("late-deliveries", kind="protocol", body=BODY, channels=["phone", "email"], owner="Deliveries")
    revise(entry, author=bob, approver=alice, scripts=[HOLD], targets=[ANSWER])
    services.edition_release(manual=manual, user=alice, label="1", release_notes="First edition.")
    review = make_entry("exchanges", published=False, body="Exchanges within **60 days**.")
    services.entry_submit(entry=review, user=bob)
    feedback_services.feedback_send(manual=manual, entry=refunds, user=carol, text="Say who pays for the return.")
    value_create(manual=manual, user=alice, name="refund_window", label="Refund window", value="30 days")
    search_log_record(manual=manual, user=carol, query="loyalty points", outcome=SearchOutcome.NO_RESULTS)
    team = Team.objects.create(name="Phone support", slug="phone-support")
    carol.profile.teams.add(team)
    return manual


def _url(live_server, name, kwargs, query):
    return live_server.url + reverse(name, kwargs=kwargs) + query


def _serious_violations(page):
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def _describe(violations):
    lines = []
    for v in violations:
        targets = [" ".join(map(str, node["target"])) for node in v["nodes"][:4]]
        more = f" (+{len(v['nodes']) - 4} more)" if len(v["nodes"]) > 4 else ""
        lines.append(f"{v['id']} [{v['impact']}] {v['help']}: {', '.join(targets)}{more}")
    return "\n".join(lines)


def _check(page, url):
    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"
    page.wait_for_load_state("load")
    violations = _serious_violations(page)
    assert not violations, f"{url}:\n{_describe(violations)}"


@pytest.mark.parametrize(FIELDS, READING + OTHER, ids=[p[0] for p in READING + OTHER])
def test_pages_have_no_serious_accessibility_violations(
    live_server, sign_in, rich_manual, name, username, url_name, kwargs, query
):
    page = sign_in(username)
    _check(page, _url(live_server, url_name, kwargs, query))


@pytest.mark.parametrize(FIELDS, READING, ids=[p[0] for p in READING])
def test_reading_pages_fit_a_360_px_screen(live_server, sign_in, rich_manual, name, username, url_name, kwargs, query):
    page = sign_in(username, viewport={"width": 360, "height": 760}, is_mobile=True, has_touch=True)
    url = _url(live_server, url_name, kwargs, query)
    _check(page, url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{url} scrolls sideways on a 360 px screen: {width} px wide"


FOCUS_SHOWN = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== 'none';
    return {shown: outline || shadow, element: el.outerHTML.slice(0, 120)};
}"""


def _tab_through(page, presses=40):
    """Press Tab ``presses`` times: the elements that got the focus, and those of them that did not show it."""
    reached, unseen = set(), []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_SHOWN)
        if focus:
            reached.add(focus["element"])
            if not focus["shown"]:
                unseen.append(focus["element"])
    return reached, unseen


def test_the_focus_is_visible_when_tabbing_through_an_entry_and_the_editor(live_server, sign_in, rich_manual):
    page = sign_in("bob")
    for name in ("policies:entry_detail", "policies:entry_edit"):
        page.goto(_url(live_server, name, ENTRY, ""))
        reached, unseen = _tab_through(page)
        assert len(reached) >= 15, f"{name}: Tab reached only {len(reached)} elements"
        assert not unseen, f"{name}: focus not shown on\n" + "\n".join(unseen)

"""Content-Security-Policy: every page runs only our own files, with no inline script or handler.

The policy is sent on every response; the templates contain no inline <script>, `on…=` handler
or style attribute; and in the machine's Chromium, the pages of the demo organisation (every
page in each role's navigation, the activity log with its search, the API docs and the admin)
load without a single CSP violation.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tests.conftest import browser_login

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("apps/*/templates/**/*.html")])
# E-mails are read in mail clients, never under our policy; they need inline styles.
EMAIL_TEMPLATES = {"email.html"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
JSON_DATA = re.compile(r'type="application/(ld\+)?json"')


def test_templates_have_no_inline_script_handler_or_style() -> None:
    assert len(TEMPLATES) > 50
    problems = []
    for path in TEMPLATES:
        text = path.read_text()
        for match in INLINE_SCRIPT.finditer(text):
            if not JSON_DATA.search(match.group(0)):
                problems.append(f"{path.relative_to(ROOT)}: inline script {match.group(0)}")
        problems += [f"{path.relative_to(ROOT)}: handler {m.group(0)[:60]}" for m in INLINE_HANDLER.finditer(text)]
        if path.name not in EMAIL_TEMPLATES:
            problems += [f"{path.relative_to(ROOT)}: style {m.group(0)[:60]}" for m in STYLE_ATTRIBUTE.finditer(text)]
    assert not problems, "\n".join(problems)


def test_the_check_catches_an_inline_handler_and_script() -> None:
    assert INLINE_HANDLER.search('<select name="language" onchange="this.form.submit()">')
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/base.js" defer></script>')
    assert STYLE_ATTRIBUTE.search('<span style="width: 5%">')


@pytest.mark.django_db
def test_every_response_carries_the_policy(django_user_model: Any) -> None:
    client = Client()
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    assert "Content-Security-Policy" in client.get("/api/schema/")


@pytest.mark.django_db
def test_api_docs_load_their_start_up_script_as_a_file(django_user_model: Any) -> None:
    client = Client()
    client.force_login(django_user_model.objects.create_user("reader", password="x"))
    page = client.get("/api/docs/").content.decode()
    assert not INLINE_SCRIPT.search(page)
    assert "<style" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


# Collect violations as the page reports them (the DOM event) and as Chromium logs them.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _watch(page: Any) -> list[str]:
    console: list[str] = []
    page.add_init_script(COLLECT_VIOLATIONS)
    page.on("console", lambda msg: console.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text else None)
    return console


def _visit(page: Any, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return [f"{page.url}: {v}" for v in page.evaluate("window.__cspViolations || []")]


def _nav_urls(page: Any) -> list[str]:
    return page.eval_on_selector_all("header nav a, nav.subnav a", "links => links.map(a => a.getAttribute('href'))")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_load_without_a_csp_violation(page: Any) -> None:
    call_command("seed_demo")
    # Many pages on a shared machine: allow slow loads rather than fail on a busy moment.
    page.set_default_timeout(30_000)
    console = _watch(page)
    problems = _visit(page, "/accounts/login/")

    for username in ("rasmus", "lene"):
        browser_login(page, username, password="demo1234")
        for url in ["/", *_nav_urls(page)]:
            problems += _visit(page, url)

    # The activity log's search runs static/js/log.js and fetches suggestions as one types.
    browser_login(page, "rasmus", password="demo1234")
    problems += _visit(page, "/activities/log/")
    page.fill("#target-search", "a")
    page.wait_for_timeout(600)
    problems += [f"{page.url}: {v}" for v in page.evaluate("window.__cspViolations")]

    # The language picker submits itself through static/js/base.js, not an inline handler.
    # Wait for the navigation the submit starts: "networkidle" can be reached before it begins.
    with page.expect_navigation():
        page.select_option("#lang-select", "da")
    assert page.locator("html").get_attribute("lang") == "da"
    with page.expect_navigation():
        page.select_option("#lang-select", "en")

    # Swagger UI renders from our own files: the operations list appears.
    problems += _visit(page, "/api/docs/")
    page.wait_for_selector(".opblock", timeout=15_000)
    problems += [f"{page.url}: {v}" for v in page.evaluate("window.__cspViolations")]

    browser_login(page, "admin", password="demo1234")
    for url in ("/admin/", "/admin/auth/user/", "/admin/auth/user/add/", "/admin/roles/team/"):
        problems += _visit(page, url)

    problems += console
    assert not problems, "\n".join(problems)

"""Locust users for bench/bench_pages.py: each requests one page again and again, no wait.

Not a benchmark of its own (bench/run.py only runs bench_*.py). bench_pages.py starts locust
with this file and two environment variables: PAGES_BENCH_PATH (the page) and
PAGES_BENCH_COOKIES (a JSON file holding a list of Cookie header values, "" for a visitor who
is not signed in). The users take the cookies in turn. Any answer but 200 is a failure
(redirects are not followed: a 302 to the login page is an error, not a page).
"""

import itertools
import json
import os
from pathlib import Path

from locust import FastHttpUser, constant, task

PATH = os.environ["PAGES_BENCH_PATH"]
COOKIES: list[str] = json.loads(Path(os.environ["PAGES_BENCH_COOKIES"]).read_text())
_next_cookie = itertools.cycle(COOKIES)


class PageUser(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.cookie = next(_next_cookie)

    @task
    def page(self) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        with self.client.get(PATH, headers=headers, allow_redirects=False, catch_response=True, name=PATH) as response:
            if response.status_code != 200:
                response.failure(f"{PATH} answered {response.status_code}")

"""The image installs exactly the locked packages, each checked against its hash: every pip install
in the Dockerfile has --require-hashes and installs only from a hashed lock file, never a loose
name or the hand-written requirements*.txt. (No Docker daemon here: the file is checked as text.)"""

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIP = re.compile(r"(?:^|[\s;&|(])(?:\S*/)?(?:python3?(?:\.\d+)?\s+-m\s+pip|pip3?|uv\s+pip)\s+install\b")


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(line for line in text.splitlines()
                                          if not line.lstrip().startswith("#")))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line.strip() else "")
            for line in joined.splitlines() if line.strip()]


def pip_installs(text: str) -> list[list[str]]:
    """The arguments after `install` of every pip install run in a RUN instruction."""
    found = []
    for kind, args in instructions(text):
        if kind != "RUN":
            continue
        for command in re.split(r"&&|\|\||;", args):
            match = PIP.search(command)
            if match:
                found.append(shlex.split(command[match.end():]))
    return found


def problems(text: str) -> list[str]:
    installs = pip_installs(text)
    wrong = [] if installs else ["no pip install at all"]
    copied = {word for kind, args in instructions(text) if kind in {"COPY", "ADD"} for word in args.split()}
    for words in installs:
        if "--require-hashes" not in words:
            wrong.append(f"pip install without --require-hashes: {words}")
        files, loose, i = [], [], 0
        while i < len(words):
            word = words[i]
            if word in {"-r", "--requirement", "-c", "--constraint"}:
                files.append(words[i + 1])
                i += 2
                continue
            if word.startswith("--requirement="):
                files.append(word.split("=", 1)[1])
            elif not word.startswith("-"):
                loose.append(word)  # a package name, path or URL outside any lock
            i += 1
        wrong += [f"installs {name!r} from outside a lock" for name in loose]
        wrong += [f"installs from {name!r}, not a hashed lock" for name in files
                  if not name.endswith(".lock") or not (ROOT / name).is_file()]
        wrong += [f"{name} is not copied into the image before it is installed" for name in files
                  if name not in copied and not any(c in {".", "./"} for c in copied)]
        if not files:
            wrong.append(f"pip install without a lock file: {words}")
    return wrong


def test_the_dockerfile_installs_only_the_hashed_lock() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert problems(text) == []
    # The production lock, not the dev one; and what the image runs is in it.
    assert [w for words in pip_installs(text) for w in words if w.endswith(".lock")] == ["requirements.lock"]
    lock = (ROOT / "requirements.lock").read_text()
    assert re.search(r"^gunicorn==", lock, re.MULTILINE)
    assert re.search(r"^celery==", lock, re.MULTILINE)
    assert all("--hash=sha256:" in block for block in re.split(r"\n(?=\S)", lock) if "==" in block)


def test_the_check_finds_an_install_without_hashes_or_outside_the_lock() -> None:
    good = "COPY requirements.lock .\nRUN pip install --require-hashes --no-deps -r requirements.lock\n"
    assert problems(good) == []
    assert problems("COPY requirements.txt .\nRUN pip install -r requirements.txt\n")
    assert problems("COPY requirements.lock .\nRUN pip install -r requirements.lock\n")
    assert problems(good + "RUN apt-get update && python -m pip install \\\n    --require-hashes gunicorn\n")
    assert problems(good + "RUN pip3 install --upgrade pip\n")
    assert problems("RUN pip install --require-hashes -r requirements.lock\n")  # never copied in

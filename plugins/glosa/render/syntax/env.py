"""What the syntax plugins read from and write to markdown-it's ``env``.

``env`` is the dict passed to ``MarkdownIt.render(text, env)`` / ``parse(text, env)``.

Read:
    ``env["glosa"]``: optional object with ``tag_href(tag: str) -> str | None``, the
    address of a tag's page (``tag`` without ``#``, as written, e.g. ``"a/b"``). Absent,
    or returning ``None``: tags render as ``<span class="tag">`` instead of links.
    ``env["docId"]``: optional string prefixing footnote ids (mdit-py-plugins'
    footnote contract), so two notes rendered into one page keep distinct ids.

Written:
    ``env["glosa_features"]``: a ``set[str]`` of features the page needs assets for;
    today ``"mermaid"`` (load ``assets/mermaid-init.js``, which fetches
    ``mermaid.min.js`` from beside itself).
    ``env["glosa_tags"]``: a ``list[str]`` of the inline tags met, in order, as written.
    ``env["glosa_problems"]``: a ``list[tuple[int, str]]`` of what a plugin could not
    render as written (shown degraded), each as (0-based line of the parsed text,
    message); the renderer reports them as build warnings with the note's file:line.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, Protocol

FEATURES_KEY = "glosa_features"
TAGS_KEY = "glosa_tags"
PROBLEMS_KEY = "glosa_problems"
CONTEXT_KEY = "glosa"


class TagLinker(Protocol):
    """What a site puts in ``env["glosa"]`` to turn inline tags into links."""

    def tag_href(self, tag: str) -> str | None: ...


def features(env: MutableMapping[str, Any]) -> set[str]:
    """The page's feature set in ``env``, created on first use."""
    found = env.get(FEATURES_KEY)
    if not isinstance(found, set):
        found = set()
        env[FEATURES_KEY] = found
    return found


def page_tags(env: MutableMapping[str, Any]) -> list[str]:
    """The list of inline tags met on the page, created on first use."""
    found = env.get(TAGS_KEY)
    if not isinstance(found, list):
        found = []
        env[TAGS_KEY] = found
    return found


def problems(env: MutableMapping[str, Any]) -> list[tuple[int, str]]:
    """The list of problems met while parsing, created on first use."""
    found = env.get(PROBLEMS_KEY)
    if not isinstance(found, list):
        found = []
        env[PROBLEMS_KEY] = found
    return found

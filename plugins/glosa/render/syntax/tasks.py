"""Obsidian task lists: a list item starting ``[c]`` for any single character ``c``.

``- [ ]`` is open, any other character (``x``, ``-``, ``/``, ``>``, ``?``...) is checked,
as in Obsidian's reading view::

    <ul class="contains-task-list">
    <li class="task-list-item is-checked" data-task="x"><input type="checkbox"
      class="task-list-item-checkbox" disabled checked> done</li>

(``data-task=""`` for ``[ ]``, as Obsidian writes it.) Ordered lists too. The marker is
taken off the item's text before inline parsing, so ``[*]`` or ``[_]`` cannot start
emphasis, and ``[x]`` never becomes a reference link.

Written here rather than with mdit-py-plugins' tasklists, which knows only ``[ ]`` and
``[x]`` and looks at the marker after inline parsing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

# `[c]` then whitespace or the end of the item's first paragraph.
_TASK_RE = re.compile(r"\[([^\n\]\\]|\\[^\n])\](?:[ \t]+|$)")
_TASK_KEY = "obsidian_task"


def _mark_tasks(state: StateCore) -> None:
    tokens = state.tokens
    lists: list[int] = []
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append(index)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            if lists:
                lists.pop()
        elif (
            token.type == "inline"
            and index >= 2
            and tokens[index - 1].type == "paragraph_open"
            and tokens[index - 2].type == "list_item_open"
        ):
            match = _TASK_RE.match(token.content)
            if match is None:
                continue
            char = match.group(1)
            if len(char) == 2:  # `[\x]`: an escaped character stands for itself
                char = char[1]
            if len(char) != 1:
                continue
            token.content = token.content[match.end() :]
            token.meta[_TASK_KEY] = char
            item = tokens[index - 2]
            item.attrSet("class", "task-list-item" + ("" if char == " " else " is-checked"))
            item.attrSet("data-task", "" if char == " " else char)
            if lists:
                tokens[lists[-1]].attrSet("class", "contains-task-list")


def _insert_checkboxes(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline" and _TASK_KEY in token.meta and token.children is not None:
            checkbox = Token("task_checkbox", "input", 0)
            checkbox.meta = {"char": token.meta[_TASK_KEY]}
            token.children.insert(0, checkbox)


def _render_checkbox(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    char: str = tokens[idx].meta["char"]
    checked = "" if char == " " else " checked"
    data = escapeHtml("" if char == " " else char)
    return (
        f'<input type="checkbox" class="task-list-item-checkbox" data-task="{data}"'
        f" disabled{checked}> "
    )


def tasks_plugin(md: MarkdownIt) -> None:
    """List items starting ``[c]`` as disabled checkboxes with ``data-task="c"``."""
    md.core.ruler.after("block", "obsidian_tasks", _mark_tasks)
    md.core.ruler.after("inline", "obsidian_task_checkboxes", _insert_checkboxes)
    md.add_render_rule("task_checkbox", _render_checkbox)

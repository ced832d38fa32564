"""Where the tree holds what an issue quotes: messages, code lines, values."""

from __future__ import annotations

from bot.context.sites import find_sites, needles

SHOP = {
    "shop/cart.py": (
        "def add(cart, qty):\n"
        "    if qty < 0:\n"
        "        raise ValueError(\n"
        "            f\"Quantity {qty} is below zero for item \"\n"
        "            f\"{cart.item}, expected a count\")\n"
        "    cart.items.append(qty)\n"
    ),
    "shop/limits.py": "MAX_ITEMS = 250\nTIMEOUT = 'slow-lane'\n",
    "shop/log.py": "# Quantity is below zero for item: a note, not a message\n",
    "tests/test_cart.py": "def test_add():\n    assert 'Quantity 3 is below zero for item x'\n",
    "docs/errors.md": "Quantity 3 is below zero for item x, expected a count\n",
}


def _where(text: str) -> set[tuple[str, int, str]]:
    return {(s.path, s.line, s.what) for s in find_sites(SHOP, text)}


def test_an_error_message_is_found_in_the_format_string_that_prints_it() -> None:
    issue = ("Adding fails\n```\nValueError: Quantity -2 is below zero for item 'pen', "
             "expected a count\n```")
    assert _where(issue) == {("shop/cart.py", 4, "message")}


def test_a_message_split_over_the_lines_of_an_f_string_is_found_by_its_words() -> None:
    assert needles("ValueError: Quantity -2 is below zero for item 'pen', expected a count")[
        0].words == ("Quantity", "zero", "item", "expected", "count")  # function words out
    assert ("shop/cart.py", 4, "message") in _where(
        'It says "Quantity 9 is below zero for item abc, expected a count" for a positive 9')


def test_a_message_in_tests_docs_or_comments_is_no_site() -> None:
    assert not _where('The log says "a note, not a message"')


def test_a_pasted_code_line_is_found_where_the_tree_has_it() -> None:
    issue = "Crash\n```\n---> 6     cart.items.append(qty)\n\nAttributeError: oops\n```"
    assert ("shop/cart.py", 6, "code") in _where(issue)


def test_a_quoted_value_is_found_at_its_definition() -> None:
    assert _where("The cart stops at `250` items") == {("shop/limits.py", 1, "value")}
    assert _where("Why is the lane `'slow-lane'`?") == {("shop/limits.py", 2, "value")}


def test_text_found_in_many_files_points_nowhere() -> None:
    files = {f"pkg/m{i}.py": "raise KeyError('cannot find the ledger entry')\n" for i in range(5)}
    assert needles('Reading fails with "cannot find the ledger entry"')
    assert find_sites(files, 'Reading fails with "cannot find the ledger entry"') == ()


def test_a_message_of_the_runtimes_own_words_is_looked_for_nowhere() -> None:
    # "object has no attribute": any code may word a message alike; it names no place.
    assert not [n for n in needles("AttributeError: 'Row' object has no attribute 'flag'")
                if n.what == "message"]


def test_a_docstring_holding_the_messages_words_in_another_order_is_no_site() -> None:
    files = {
        "shop/run.py": ('"""For each abc item: the expected Quantity is never\n'
                        "below zero, as we count.\"\"\"\n"),
        "shop/cart.py": SHOP["shop/cart.py"],
    }
    issue = 'It says "Quantity 9 is below zero for item abc, expected a count"'
    assert {(s.path, s.what) for s in find_sites(files, issue)} == {("shop/cart.py", "message")}

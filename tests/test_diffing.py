"""What changed in a table reads as the table: a row added or changed keeps each cell in its column."""

from policies.diffing import rendered_diff
from policies.rendering.markdown import render_markdown

TABLE = "| Days late | What we do |\n|---|---|\n| 1 to 2 | Share the tracking link |\n"


def _html(old, new):
    return "".join(chunk.html for chunk in rendered_diff(old, new, render=render_markdown)).replace("\n", "")


def test_a_row_added_to_a_table_keeps_its_cells_in_their_columns():
    html = _html(TABLE, TABLE + "| 5 or more | Send a replacement |\n")
    assert "<tr><td><ins>5 or more</ins></td><td><ins>Send a replacement</ins></td></tr>" in html


def test_a_row_removed_from_a_table_is_struck_through_cell_by_cell():
    html = _html(TABLE + "| 5 or more | Send a replacement |\n", TABLE)
    assert "<tr><td><del>5 or more</del></td><td><del>Send a replacement</del></td></tr>" in html


def test_words_changed_in_a_cell_are_marked_in_that_cell():
    html = _html(TABLE, TABLE.replace("Share the tracking link", "Send the tracking link"))
    assert "<td><del>Share</del><ins>Send</ins> the tracking link</td>" in html

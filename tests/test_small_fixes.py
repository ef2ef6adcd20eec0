"""Small things people notice: empty lists."""


# Empty lists say so in a sentence, not as item "1." of a numbered list.


def test_a_search_that_finds_nothing_says_so_without_a_numbered_list(client, carol, make_entry):
    make_entry()
    client.force_login(carol)
    html = client.get("/manuals/service/search/?q=zebra").content.decode()
    assert '<p class="muted">Nothing matches every word. Try fewer or shorter words.</p>' in html
    assert 'class="search-results"' not in html


def test_a_search_that_finds_something_lists_it(client, carol, make_entry):
    make_entry()
    client.force_login(carol)
    html = client.get("/manuals/service/search/?q=refunds").content.decode()
    assert '<ol class="search-results">' in html and "Nothing matches" not in html


def test_an_empty_section_in_the_outline_says_so_without_a_numbered_list(client, alice, section):
    client.force_login(alice)
    html = client.get("/manuals/service/sections/").content.decode()
    assert '<p class="muted">No entries yet.</p>' in html
    assert '<ol class="outline-entries">' not in html


def test_a_manual_with_sections_but_nothing_published_says_so(client, carol, make_entry):
    make_entry(published=False)
    client.force_login(carol)
    html = client.get("/manuals/service/").content.decode()
    assert "Nothing has been published in this manual yet." in html

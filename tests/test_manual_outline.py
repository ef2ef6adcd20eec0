"""The manual's outline for managers: every section with every entry, to arrange them."""


def test_an_empty_section_in_the_outline_says_so_without_a_numbered_list(client, alice, section):
    client.force_login(alice)
    html = client.get("/manuals/service/sections/").content.decode()
    assert '<p class="muted">No entries yet.</p>' in html
    assert '<ol class="outline-entries">' not in html

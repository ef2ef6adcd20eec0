"""Word files: .docx uploads become draft entries (after a preview, all or nothing), and the published manual or
one entry downloads as a .docx. The fixtures are written with python-docx, as Word would save them."""

import io
import struct
import zipfile
import zlib

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from policies.importexport import ManualImportError
from policies.importexport.word_import import MAX_FILE_BYTES, html_to_markdown, word_import, word_import_plan
from policies.models import Entry, EntryStatus

from .conftest import revise

IMPORT_URL = "/manuals/service/import/word/"
CONFIRM_URL = "/manuals/service/import/word/confirm/"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# Word documents, as Word would save them ----------------------------------------------------------------------


def add_hyperlink(paragraph, text: str, url: str) -> None:
    """python-docx has no API for hyperlinks: a w:hyperlink pointing at an external relationship."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    run = OxmlElement("w:r")
    text_el = OxmlElement("w:t")
    text_el.text = text
    run.append(text_el)
    link.append(run)
    paragraph._p.append(link)


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0\0\0\0")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def lost_parcels_docx(*, title: str | None = "Lost parcels", image: bool = False) -> bytes:
    doc = docx.Document()
    if title:
        doc.add_paragraph(title, style="Title")
    doc.add_paragraph("What to do when a parcel has not arrived.", style="Subtitle")
    intro = doc.add_paragraph("When a parcel is late, we act ")
    intro.add_run("fast").bold = True
    intro.add_run(" and ")
    intro.add_run("kindly").italic = True
    intro.add_run(".")
    doc.add_heading("Steps", level=1)
    doc.add_paragraph("Check the tracking number", style="List Number")
    doc.add_paragraph("Wait five working days", style="List Number")
    doc.add_heading("What to have ready", level=2)
    doc.add_paragraph("The order number", style="List Bullet")
    doc.add_paragraph("The delivery address", style="List Bullet")
    links = doc.add_paragraph("Read ")
    add_hyperlink(links, "our delivery terms", "https://example.com/terms")
    links.add_run(" or write to ")
    add_hyperlink(links, "the parcels desk", "mailto:parcels@example.com")
    links.add_run(". Never ")
    add_hyperlink(links, "run this", "javascript:alert(1)")
    links.add_run(" or open ")
    add_hyperlink(links, "the share", "file:///srv/share/parcels.xlsx")
    links.add_run(".")
    table = doc.add_table(rows=3, cols=2)
    for r, row in enumerate([("Days late", "Compensation"), ("5", "Free delivery next time"), ("10", "Full refund")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    if image:
        doc.add_picture(io.BytesIO(tiny_png()))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=DOCX)


def zip_without_document() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("notes.txt", "not a Word document")
    return out.getvalue()


# Importing ----------------------------------------------------------------------------------------------------


def test_a_word_file_becomes_a_draft_keeping_headings_lists_table_and_links(manual, section, bob):
    plans = word_import_plan(manual=manual, files=[upload("lost_parcels.docx", lost_parcels_docx())])
    [entry] = word_import(manual=manual, user=bob, section=section, kind="procedure", plans=plans)

    entry.refresh_from_db()
    assert entry.title == "Lost parcels"
    assert entry.slug == "lost-parcels"
    assert entry.summary == "What to do when a parcel has not arrived."
    assert (entry.kind, entry.section, entry.status) == ("procedure", section, EntryStatus.DRAFT)
    assert entry.live_version is None  # a draft: readers see nothing until it is approved
    body = entry.body
    assert body.startswith("When a parcel is late, we act **fast** and *kindly*.")
    assert "## Steps" in body and "### What to have ready" in body
    assert "1. Check the tracking number\n2. Wait five working days" in body
    assert "- The order number\n- The delivery address" in body
    assert "| Days late | Compensation |\n| --- | --- |\n| 5 | Free delivery next time |\n| 10 | Full refund |" in body
    assert "[our delivery terms](https://example.com/terms)" in body
    assert "[the parcels desk](mailto:parcels@example.com)" in body
    assert "Never run this or open the share." in body  # the words stay, the javascript: and file: links go
    assert "javascript" not in body and "file:" not in body
    assert "<table>" in entry.body_html and "<td>Full refund</td>" in entry.body_html
    assert entry.history.first().history_change_reason == "Imported from the Word file lost_parcels.docx"
    assert plans[0].warnings == ["2 links kept as plain text: only links to web pages (http, https) and email "
                                 "addresses are kept."]  # fmt: skip


def test_the_title_is_a_heading_the_document_starts_with_or_else_the_file_name(manual, section):
    doc = docx.Document()
    doc.add_heading("Gift cards", level=1)
    doc.add_heading("Selling them", level=2)
    doc.add_paragraph("Any amount from 10 to 500.")
    out = io.BytesIO()
    doc.save(out)
    [from_heading, from_name] = word_import_plan(
        manual=manual,
        files=[upload("gift.docx", out.getvalue()), upload("store_credit-rules.docx", lost_parcels_docx(title=None))],
    )
    assert from_heading.title == "Gift cards"
    assert from_heading.body == "## Selling them\n\nAny amount from 10 to 500."  # the next level down leads
    assert (from_name.title, from_name.slug) == ("Store credit rules", "store-credit-rules")


def test_a_taken_or_reserved_address_gets_a_number(manual, section, make_entry):
    make_entry("lost-parcels")
    doc = docx.Document()
    doc.add_paragraph("Search", style="Title")
    doc.add_paragraph("How to search the order system.")
    out = io.BytesIO()
    doc.save(out)
    plans = word_import_plan(
        manual=manual,
        files=[
            upload("a.docx", lost_parcels_docx()),
            upload("b.docx", lost_parcels_docx()),
            upload("search.docx", out.getvalue()),
        ],
    )
    assert [p.slug for p in plans] == ["lost-parcels-2", "lost-parcels-3", "search-2"]
    assert plans[0].slug_taken == "lost-parcels"


def test_images_are_left_out_with_a_warning(manual):
    [plan] = word_import_plan(manual=manual, files=[upload("photo.docx", lost_parcels_docx(image=True))])
    assert "![" not in plan.body and "data:" not in plan.body
    assert any(w.startswith("1 image left out") for w in plan.warnings)


def test_html_from_word_becomes_markdown_the_app_renders():
    title, summary, body, warnings = html_to_markdown(
        "<h2>Scripts</h2><p>Say &lt;customer name&gt; and <s>never</s> H<sub>2</sub>O</p>"
        "<ul><li>Greet<ul><li>By name</li></ul></li><li>Listen</li></ul>"
        "<table><tr><td><p>Either</p><p>or</p></td><td>a | b</td></tr></table>"
    )
    assert (title, summary, warnings) == ("Scripts", "", [])
    assert "Say &lt;customer name> and <del>never</del> H<sub>2</sub>O" in body
    assert "- Greet\n    - By name\n- Listen" in body  # Python-Markdown nests a list under four spaces
    assert "| Either or | a \\| b |" in body


def test_footnotes_become_a_numbered_list_at_the_end():
    # What mammoth makes of a footnote: a numbered citation, and the note at the end with a link back.
    _title, _summary, body, _warnings = html_to_markdown(
        '<p>Refunds take five days.<sup><a href="#footnote-1" id="footnote-ref-1">[1]</a></sup></p>'
        '<ol><li id="footnote-1"><p>Card refunds. <a href="#footnote-ref-1">↑</a></p></li></ol>'
    )
    assert body == "Refunds take five days.<sup>[1]</sup>\n\n1. Card refunds."


BAD_FILES = [
    ("notes.docx", b"These are my notes, saved as text.", "notes.docx: not a valid .docx file"),
    ("archive.docx", zip_without_document(), "archive.docx: not a Word document: the file is a zip archive without"),
    ("huge.docx", b"PK" + b"0" * MAX_FILE_BYTES, "huge.docx: 5.1 MB, more than the 5 MB a file may be"),
    ("policy.pdf", b"%PDF-1.7", "policy.pdf: not a Word document: only .docx files can be imported"),
    ("old.doc", bytes.fromhex("d0cf11e0a1b11ae1") + b"0" * 100, "old.doc: only .docx files can be imported"),
    ("locked.docx", bytes.fromhex("d0cf11e0a1b11ae1") + b"0" * 100, "locked.docx: an older Word document, or one"),
    ("empty.docx", b"", "empty.docx: the file is empty"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[name for name, _d, _m in BAD_FILES])
def test_a_bad_file_is_named_with_its_problem_and_nothing_is_imported(client, bob, section, name, data, message):
    client.force_login(bob)
    response = client.post(
        IMPORT_URL,
        {"files": [upload("good.docx", lost_parcels_docx()), upload(name, data)], "section": section.pk,
         "kind": "policy"},
    )  # fmt: skip
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was imported." in text
    assert message in text.replace("&#x27;", "'")
    assert "good.docx" not in text  # only the bad file is named
    assert not Entry.objects.exists()
    assert "word_import" not in client.session  # no preview to confirm


def test_one_refused_draft_rolls_back_the_others(manual, section, bob, monkeypatch):
    plans = word_import_plan(
        manual=manual, files=[upload("a.docx", lost_parcels_docx()), upload("b.docx", lost_parcels_docx())]
    )
    plans[1].title = ""  # a title is required: the second draft cannot be saved
    with pytest.raises(ManualImportError) as refused:
        word_import(manual=manual, user=bob, section=section, kind="policy", plans=plans)
    assert str(refused.value).startswith("b.docx: ")
    assert not Entry.objects.exists()


def test_an_editor_uploads_sees_the_preview_and_confirms(client, bob, section, make_entry):
    make_entry("refund-policy", published=False)
    client.force_login(bob)
    page = client.get(IMPORT_URL)
    assert page.status_code == 200
    assert "up to 5 MB each" in page.content.decode()

    preview = client.post(
        IMPORT_URL,
        {"files": [upload("parcels.docx", lost_parcels_docx())], "section": section.pk, "kind": "procedure"},
    )
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Lost parcels" in text and "<code>lost-parcels</code>" in text
    assert "When a parcel is late, we act **fast**" in text  # the first lines of the text
    assert "2 links kept as plain text" in text
    assert "<td>Full refund</td>" in text  # as readers will see it
    assert Entry.objects.count() == 1  # nothing created yet

    token = client.session["word_import"]["token"]
    done = client.post(CONFIRM_URL, {"token": token})
    entry = Entry.objects.get(slug="lost-parcels")
    assert done.status_code == 302 and done["Location"] == "/manuals/service/lost-parcels/edit/"
    assert entry.kind == "procedure" and entry.order > Entry.objects.get(slug="refund-policy").order
    assert "word_import" not in client.session
    again = client.post(CONFIRM_URL, {"token": token})  # a second click creates nothing more
    assert again.status_code == 302 and again["Location"] == IMPORT_URL
    assert Entry.objects.count() == 2


def test_several_files_land_on_the_review_queue(client, alice, section):
    client.force_login(alice)
    files = [
        upload("one.docx", lost_parcels_docx(title="Lost parcels")),
        upload("two.docx", lost_parcels_docx(title="Late parcels")),
    ]
    client.post(IMPORT_URL, {"files": files, "section": section.pk, "kind": "policy"})
    done = client.post(CONFIRM_URL, {"token": client.session["word_import"]["token"]})
    assert done["Location"] == "/manuals/service/review/"
    assert sorted(Entry.objects.values_list("slug", flat=True)) == ["late-parcels", "lost-parcels"]


def test_a_stale_preview_creates_nothing(client, bob, section):
    client.force_login(bob)
    client.post(IMPORT_URL, {"files": [upload("a.docx", lost_parcels_docx())], "section": section.pk, "kind": "policy"})
    response = client.post(CONFIRM_URL, {"token": "not-the-token"})
    assert response.status_code == 302 and response["Location"] == IMPORT_URL
    assert not Entry.objects.exists()


def test_an_upload_without_files_asks_for_one(client, bob, section):
    client.force_login(bob)
    response = client.post(IMPORT_URL, {"section": section.pk, "kind": "policy"})
    assert response.status_code == 400
    assert "Choose at least one .docx file." in response.content.decode()


def test_a_manual_without_sections_says_so(client, bob, manual):
    client.force_login(bob)
    assert "This manual has no sections yet" in client.get(IMPORT_URL).content.decode()
    response = client.post(IMPORT_URL, {"files": [upload("a.docx", lost_parcels_docx())], "kind": "policy"})
    assert response.status_code == 400
    assert not Entry.objects.exists()


def test_an_agent_cannot_import_word_files(client, carol, section):
    client.force_login(carol)
    assert client.get(IMPORT_URL).status_code == 403
    posted = client.post(IMPORT_URL, {"files": [upload("a.docx", lost_parcels_docx())], "section": section.pk})
    assert posted.status_code == 403
    assert client.post(CONFIRM_URL, {"token": "x"}).status_code == 403
    assert not Entry.objects.exists()


def test_the_import_command_saves_drafts(tmp_path, section, bob):
    path = tmp_path / "lost_parcels.docx"
    path.write_bytes(lost_parcels_docx())
    out = io.StringIO()
    call_command("import_word", "service", str(path), "--section", "policies", "--user", "bob", stdout=out)
    entry = Entry.objects.get()
    assert (entry.slug, entry.status, entry.created_by) == ("lost-parcels", EntryStatus.DRAFT, bob)
    assert "lost-parcels" in out.getvalue()


# Exporting ----------------------------------------------------------------------------------------------------

BODY = """Refunds are given within **30 days**, see [the law](https://example.com/law).

## How to refund

1. Check the receipt
2. Refund to the card

| Paid with | Refund to |
| --- | --- |
| Card | The same card |
| Cash | Cash |

Then thank the customer.

1. A second list starts again"""


def _open(response):
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    return docx.Document(io.BytesIO(b"".join(response)))


def _styled(document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == style]


def test_the_manual_downloads_as_word_with_published_text_only(client, carol, make_entry, alice, bob, manual):
    entry = make_entry("refund-policy", body=BODY, title="Refund policy")
    make_entry("secret-plan", published=False, title="Secret plan", body="Not yet approved.")
    revise(entry, author=bob, approver=alice, body=BODY + "\n\nVersion two text.")
    from policies import services

    services.entry_save_draft(entry=entry, manual=manual, user=bob, data={"body": "DRAFT WORDS NOBODY APPROVED"})

    client.force_login(carol)
    response = client.get("/manuals/service/export/manual.docx")
    assert response["Content-Disposition"].startswith('attachment; filename="customer-service-manual-')
    document = _open(response)
    text = "\n".join(p.text for p in document.paragraphs)
    assert _styled(document, "Title") == ["Customer Service Manual"]
    assert _styled(document, "Subtitle") == ["Acme Outfitters"]
    assert "We help every customer leave happier than they came." in text
    assert _styled(document, "Heading 1") == ["Our mission", "Our vision", "Contents", "Policies"]
    assert _styled(document, "Heading 2") == ["Refund policy"]
    assert _styled(document, "Heading 3") == ["How to refund"]
    assert "Refunds are given within 30 days, see the law." in text
    assert "Version two text." in text
    assert "DRAFT WORDS" not in text and "Secret plan" not in text and "Not yet approved" not in text
    [table] = document.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Paid with", "Refund to"], ["Card", "The same card"], ["Cash", "Cash"],
    ]  # fmt: skip
    assert "https://example.com/law" in [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
    bold = [run.text for p in document.paragraphs for run in p.runs if run.bold]
    assert "30 days" in bold
    items = [p for p in document.paragraphs if p.style.name == "List Paragraph"]
    assert [p.text for p in items] == ["Check the receipt", "Refund to the card", "A second list starts again"]
    first_list, second_list = items[0]._p.pPr.numPr.numId.val, items[2]._p.pPr.numPr.numId.val
    assert first_list != second_list  # each numbered list starts again at 1


def test_an_entry_downloads_as_word(client, carol, make_entry):
    make_entry("refund-policy", body=BODY, title="Refund policy", summary="Thirty days, with the receipt.")
    client.force_login(carol)
    response = client.get("/manuals/service/refund-policy/entry.docx")
    assert response["Content-Disposition"] == 'attachment; filename="refund-policy-version-1.docx"'
    document = _open(response)
    assert _styled(document, "Title") == ["Refund policy"]
    assert _styled(document, "Entry Summary") == ["Thirty days, with the receipt."]
    assert _styled(document, "Heading 1") == ["How to refund"]
    assert len(document.tables) == 1


def test_an_entry_downloaded_and_imported_again_keeps_its_text(client, bob, make_entry, manual):
    make_entry("refund-policy", body=BODY, title="Refund policy", summary="Thirty days, with the receipt.")
    client.force_login(bob)
    data = b"".join(client.get("/manuals/service/refund-policy/entry.docx"))
    [plan] = word_import_plan(manual=manual, files=[upload("refund-policy-version-1.docx", data)])
    assert (plan.title, plan.summary) == ("Refund policy", "Thirty days, with the receipt.")
    assert plan.slug == "refund-policy-2"  # a new entry beside the one it came from
    assert plan.body == BODY  # the same Markdown, the lines of facts left out
    assert plan.warnings == []


def test_a_draft_has_no_word_download(client, carol, make_entry):
    make_entry("secret-plan", published=False)
    client.force_login(carol)
    assert client.get("/manuals/service/secret-plan/entry.docx").status_code == 404


def test_the_reader_pages_offer_the_word_downloads(client, carol, make_entry):
    make_entry("refund-policy")
    client.force_login(carol)
    assert 'href="/manuals/service/export/manual.docx"' in client.get("/manuals/service/").content.decode()
    page = client.get("/manuals/service/refund-policy/").content.decode()
    assert 'href="/manuals/service/refund-policy/entry.docx"' in page


def test_export_manual_writes_a_word_file(tmp_path, make_entry):
    make_entry("refund-policy", body=BODY, title="Refund policy")
    path = tmp_path / "manual.docx"
    call_command("export_manual", "service", "--format", "docx", "--output", str(path), stdout=io.StringIO())
    document = docx.Document(str(path))
    assert "Refund policy" in [p.text for p in document.paragraphs]

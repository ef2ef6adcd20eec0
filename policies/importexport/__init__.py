"""A manual as a folder of files, and back: the import and export formats described in docs/file-format.md.

The package is laid out by what each step knows about:

- ``folder``: the folder format itself. It reads a folder into a checked ``ManualPlan`` (``read_manual_folder``)
  without touching the database, and holds the problems it reports, the text normalisation and the YAML
  helpers that the export shares.
- ``importing``: applies a ``ManualPlan`` to the database through the services (``manual_import_plan``).
- ``exporting``: writes a manual out as a folder in the same format, as one HTML file, or as a PDF.

``importing`` knows nothing of files: another source, such as a Word (.docx) reader, only has to produce the
same ``ManualPlan`` (and raise ``ManualImportError`` with a ``Problem`` per fault) to be imported the same way.
"""

from .exporting import ExportReport, manual_export_html, manual_export_markdown, manual_export_pdf
from .folder import (
    EntryPlan,
    ManualExportError,
    ManualImportError,
    ManualPlan,
    Problem,
    SectionPlan,
    read_manual_folder,
)
from .importing import ImportReport, import_permission_problem, manual_import, manual_import_plan

__all__ = [
    "EntryPlan", "ExportReport", "ImportReport", "ManualExportError", "ManualImportError", "ManualPlan", "Problem",
    "SectionPlan", "import_permission_problem", "manual_export_html", "manual_export_markdown", "manual_export_pdf",
    "manual_import", "manual_import_plan", "read_manual_folder",
]  # fmt: skip

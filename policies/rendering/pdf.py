"""The manual as a PDF, made by WeasyPrint from the same document as the print page.

Stored entry HTML is sanitised, but the PDF layer does not rely on that alone:

- WeasyPrint fetches through ``safe_url_fetcher``, which serves only files inside the app's static
  directories, read from disk. Everything else (other files, ``http:`` including localhost, ``data:``) is
  refused before anything is opened, so an image that points elsewhere shows its alt text.
- Nothing is ever attached to the PDF: attachments declared with ``<link rel="attachment">`` or
  ``<a rel="attachment">`` are dropped after layout, so even a static file cannot be embedded.

``manual_pdf`` renders in a child process (``render_in_subprocess``) with a time and memory limit, so a runaway
document cannot take a web worker down and the memory WeasyPrint used goes back to the system.
"""

from __future__ import annotations

import logging
import mimetypes
import multiprocessing
import os
import re
import resource
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

from .document import render_manual_html

if TYPE_CHECKING:
    from ..selectors import ManualSnapshot

logger = logging.getLogger(__name__)

# WeasyPrint reports every page of every layout pass at INFO: thousands of lines for a big manual. Quiet it
# unless the LOGGING setting says otherwise.
if logging.getLogger("weasyprint.progress").level == logging.NOTSET:
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class URLRefused(ValueError):
    """The fetcher will not serve this URL. WeasyPrint logs it and carries on without the resource."""


class PDFRenderError(RuntimeError):
    """The PDF could not be made: the render failed, ran out of time or ran out of memory."""


def static_roots() -> list[str]:
    """The directories the PDF may read from: STATICFILES_DIRS and STATIC_ROOT, as real paths."""
    roots = []
    for entry in settings.STATICFILES_DIRS:
        path = entry[1] if isinstance(entry, (tuple, list)) else entry
        roots.append(os.path.realpath(path))
    if settings.STATIC_ROOT:
        roots.append(os.path.realpath(settings.STATIC_ROOT))
    return roots


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def static_file_for_url(url: str) -> str | None:
    """The real path of the static file ``url`` names, or None if it names anything else.

    Accepted: a ``file:`` URL of a file inside a static directory (relative URLs resolve against the static
    directory, the PDF's base URL), or the static URL of a file (``/static/css/x.png`` resolves to
    ``file:///static/css/x.png``; an absolute STATIC_URL such as a CDN's is matched as such). The path is
    resolved with realpath, so neither ``..`` nor a symlink leads out of the static directories.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    roots = static_roots()
    static = urlsplit(settings.STATIC_URL or "")
    relative = None
    if static.scheme and (parts.scheme, parts.netloc) == (static.scheme, static.netloc):
        if parts.path.startswith(static.path):
            relative = parts.path[len(static.path) :]
    elif parts.scheme == "file" and parts.netloc in ("", "localhost"):
        path = os.path.realpath(url2pathname(unquote(parts.path)))
        if any(_inside(path, root) for root in roots):
            return path if os.path.isfile(path) else None
        prefix = "/" + static.path.strip("/") + "/"
        if not static.scheme and parts.path.startswith(prefix):
            relative = unquote(parts.path[len(prefix) :])
    if not relative:
        return None
    for root in roots:
        candidate = os.path.realpath(os.path.join(root, relative.lstrip("/")))
        if _inside(candidate, root) and os.path.isfile(candidate):
            return candidate
    return None


class StaticFileFetcher(URLFetcher):
    """A WeasyPrint (v70+) URL fetcher that reads only the app's static files from disk.

    It never opens a network connection or follows a redirect: every URL that does not name a static file
    raises ``URLRefused`` before anything is fetched.
    """

    def __init__(self):
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        path = static_file_for_url(url)
        if path is None:
            logger.info("PDF: refused to fetch %.200s", url)
            raise URLRefused(f"Only the app's static files can be used in the PDF, not {url[:200]}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(path2url(path), Path(path).read_bytes(), headers={"Content-Type": content_type})

    def open(self, url, data=None, timeout=None):
        # urllib's entry point: route it through the same checks, never through urllib's handlers.
        return self.fetch(url if isinstance(url, str) else url.full_url)


#: The fetcher the PDF uses. It holds no per-request state, so one instance serves every render.
safe_url_fetcher = StaticFileFetcher()


def base_url() -> str:
    """Where relative URLs in the document resolve: the first static directory."""
    return path2url(static_roots()[0] + os.sep)


def html_to_pdf(html: str) -> bytes:
    """Render the document to PDF in this process, fetching only static files and attaching nothing."""
    document = weasyprint.HTML(string=html, base_url=base_url(), url_fetcher=safe_url_fetcher).render()
    # WeasyPrint embeds <link rel="attachment"> and <a rel="attachment"> targets as files. A manual has no
    # business carrying files, so drop them after layout, whatever the stored HTML says.
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]
    return document.write_pdf()


def _render_child(html: str, memory_mb: int, conn, report_progress: bool = False) -> None:
    """Run in the child process: cap its address space, render, send back ("ok", pdf) or ("error", why)."""
    try:
        if report_progress:
            progress = logging.getLogger("weasyprint.progress")
            progress.setLevel(logging.INFO)
            progress.propagate = False  # to the parent only, not to the console once per page
            progress.addHandler(_ProgressToParent(conn))
        if memory_mb:
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        conn.send(("ok", html_to_pdf(html)))
    except MemoryError:
        conn.send(("error", f"the PDF needed more than {memory_mb} MB of memory"))
    except BaseException as exc:  # everything goes back to the parent as a message
        # Out of address space, C extensions fail in other ways (a SystemError, say): tell it by how close
        # the process came to its limit.
        if memory_mb and _peak_memory_mb() >= memory_mb * 0.9:
            conn.send(("error", f"the PDF needed more than {memory_mb} MB of memory"))
        else:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _peak_memory_mb() -> float:
    """This process's peak virtual memory (VmPeak), in MB; 0 where /proc does not tell."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class _ProgressToParent(logging.Handler):
    """In the child: passes WeasyPrint's progress (the page being laid out, then writing) up the pipe,
    at most twice a second."""

    def __init__(self, conn):
        super().__init__(logging.INFO)
        self.conn = conn
        self.last = 0.0

    def emit(self, record):
        # Progress must never break the render: anything unexpected here is ignored.
        try:
            message = record.getMessage()
            now = time.monotonic()
            page = _LAYOUT_PAGE.search(message)
            if page:
                if now - self.last < 0.5:
                    return
                self.conn.send(("progress", ("layout", int(page.group(1)))))
            elif "Creating PDF" in message:
                self.conn.send(("progress", ("writing", 0)))
            else:
                return
            self.last = now
        except Exception:  # noqa: BLE001
            pass


_LAYOUT_PAGE = re.compile(r"Creating layout - Page (\d+)")


def render_in_subprocess(html: str, *, timeout: float, memory_mb: int, on_progress=None) -> bytes:
    """Render the PDF in a forked child with an address-space limit of ``memory_mb`` and a ``timeout``.

    Forking hands the child the HTML and the already imported WeasyPrint for free, so the overhead is a few
    milliseconds. ``on_progress(stage, page)`` is called here, in the parent, as the child lays out pages
    ("layout", page number) and writes the file ("writing", 0). Raises ``PDFRenderError`` when the child
    fails, is killed, or takes too long.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    # Not a daemon: daemonic processes (a Celery prefork worker, say) may not start children.
    process = context.Process(target=_render_child, args=(html, memory_mb, sender, on_progress is not None))
    process.start()
    sender.close()  # the child holds the only sending end now, so its death reads as EOF here
    answered = False
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not receiver.poll(min(remaining, 1.0)):
                if time.monotonic() < deadline:
                    continue
                raise PDFRenderError(f"Making the PDF took longer than {timeout:g} seconds; it was stopped.")
            try:
                status, payload = receiver.recv()
            except EOFError:
                process.join()
                raise PDFRenderError(
                    f"The PDF renderer stopped unexpectedly (exit code {process.exitcode}); "
                    f"it may have run out of memory (limit {memory_mb} MB)."
                ) from None
            if status == "progress":
                on_progress(*payload)
                continue
            answered = True
            break
    finally:
        receiver.close()
        if not answered:
            process.kill()
        process.join()
    if status != "ok":
        raise PDFRenderError(f"The PDF could not be made: {payload}")
    return payload


def manual_pdf(snapshot: ManualSnapshot) -> bytes:
    """The manual's PDF, rendered in a child process within settings.PDF_RENDER_TIMEOUT_SECONDS and _MEMORY_MB."""
    html = render_manual_html(snapshot, for_pdf=True)
    return render_in_subprocess(
        html, timeout=settings.PDF_RENDER_TIMEOUT_SECONDS, memory_mb=settings.PDF_RENDER_MEMORY_MB
    )

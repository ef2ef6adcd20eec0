"""Rendering: Markdown to sanitised HTML, the manual's assembled HTML, and its PDF.

Everything that turns source text into something a reader sees goes through this package.
"""

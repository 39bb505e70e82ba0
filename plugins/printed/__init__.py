"""Printed campaign material: a leaflet (A5) and a poster (A4) in every language.

A blocked domain cannot stop paper.  Each language gets a leaflet and a
poster with the campaign's name, a short text from the content, the next
events, the site's address and the official mirrors as QR codes, and the ID
of the key that signs every genuine copy, so that a printed sheet becomes a
channel for checking copies that no mirror can alter.

The work is split in two, as for the checksums:

- this plugin (the build) writes each language's material as HTML, from the
  theme's ``printed/`` templates translated like every page, into the
  folder ``invoke publish`` consumes (``sitecore.artefacts.PUBLISH_INPUTS``),
  and gives the copies page the names of the PDFs;
- ``sitetools/printed.py`` (``invoke publish``) turns that HTML into PDF with
  WeasyPrint, in one process that loads the fonts once, before the manifest
  and ``SHA256SUMS`` are computed, and removes the HTML.

So ``invoke build`` stays as fast as it was, the PDFs are site files that
the manifest, the archives, the ZIM file and the signed checksums cover,
and the text of the material is translated by the catalogs in
``translations/``.
"""

from .plugin import register  # noqa: F401

"""Sentences shown only when what they ask of the reader is possible.

"Register in advance", "read the instructions", "become a monthly
sustainer", "invite your friends to this event": content that asks the
reader to act must not dangle when the campaign has no link for it or the
event is over.  Editors mark such text in Markdown with HTML comments
(invisible if anything goes wrong, and allowed by the content allowlist):

    <!-- if donation_url -->Become a monthly sustainer.<!-- else -->Ask us how.<!-- end -->

A condition is a key of the CAMPAIGN setting (true when filled in) or, in
events, ``upcoming`` (not yet over at build time, as the listings decide),
``register`` and ``online`` (the event has that link).  See README,
"Text shown only when it can be acted on".
"""

from .plugin import register  # noqa: F401

"""Facts that expire: the `Review-by` field.

A prisoner's sentence, the rules for prisoners' mail, a donation route:
some content is true when written and stale later.  Such a file says when
its facts must be checked again (`Review-by: 2027-06-01`, validated by
content_checks).  Past that day, at build time, its page says in the
reader's language when the information was last checked (`Modified`, else
`Date`) and that it may be out of date; the build still succeeds, because a
correct old page is better than none.  `invoke check` warns `warn_days`
(14) days ahead and lists overdue files; `invoke translations` shows them.
A translation without its own `Review-by` takes the original's.
"""

from .plugin import register  # noqa: F401

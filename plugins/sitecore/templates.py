"""Templates compiled once, not once per generator, language and build.

Pelican gives every generator its own Jinja environment, and i18n-subsites
starts one Pelican per language, so each template was compiled about
twenty-five times a build.  Every environment gets this bytecode cache: in
memory for the running build, and in CACHE_PATH for the next one.  Jinja
keys it by template name and a checksum of the source (a bucket whose
checksum differs is compiled afresh), so an edited template is never served
stale.
"""

import os

from jinja2 import BytecodeCache

from .cache import write_atomically


class SharedBytecodeCache(BytecodeCache):
    def __init__(self):
        self._code = {}
        self.directory = None

    def _file(self, bucket):
        return os.path.join(self.directory, bucket.key + ".cache") if self.directory else None

    def load_bytecode(self, bucket):
        code = self._code.get(bucket.key)
        if code is None and self._file(bucket):
            try:
                with open(self._file(bucket), "rb") as handle:
                    code = handle.read()
            except OSError:
                return
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        code = self._code[bucket.key] = bucket.bytecode_to_string()
        path = self._file(bucket)
        if path:
            write_atomically(path, code)

    def clear(self):
        self._code.clear()


CACHE = SharedBytecodeCache()


def share_compiled_templates(generator):
    """generator_init receiver."""
    env = getattr(generator, "env", None)
    if env is None or env.bytecode_cache is not None:
        return
    from .state import is_main_site

    # One folder for the whole build: the main site's cache (each sub-site
    # has its own CACHE_PATH, and the main site's generators come first).
    cache_path = generator.settings.get("CACHE_PATH")
    if is_main_site(generator.settings):
        CACHE.directory = os.path.join(cache_path, "sitecore", "jinja") if cache_path else None
    env.bytecode_cache = CACHE
    # A generator's environment lives for one build, in which no template
    # changes; with auto_reload Jinja stat()s the file of every template
    # and include on every use (about fifteen per page written).
    env.auto_reload = False

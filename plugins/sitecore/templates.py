"""Templates compiled once per process, not once per generator and language.

Pelican gives every generator its own Jinja environment, and i18n-subsites
starts one Pelican per language, so each template was compiled about
twenty-five times a build.  Every environment gets this bytecode cache:
Jinja keys it by template name and a checksum of the source, so an edited
template is compiled afresh and nothing stale is ever served.
"""

from jinja2 import BytecodeCache


class SharedBytecodeCache(BytecodeCache):
    def __init__(self):
        self._code = {}

    def load_bytecode(self, bucket):
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self):
        self._code.clear()


CACHE = SharedBytecodeCache()


def share_compiled_templates(generator):
    """generator_init receiver."""
    env = getattr(generator, "env", None)
    if env is not None and env.bytecode_cache is None:
        env.bytecode_cache = CACHE

"""Signals, settings and the generator of the discovery plugin."""

import logging
import os

from pelican import signals
from pelican.generators import Generator

import sitecore
from sitecore import ConfigError, build_started, is_main_site, plugin_config
from sitecore.cache import write_atomically
from sitecore.urls import canonical_url

from . import feeds, labels, meta, share, sitemap

logger = logging.getLogger(__name__)

DEFAULTS = {
    # Written at the output root, only when CANONICAL_URL is set.
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
    # Each language's share image, in its own folder (share.png, de/share.png...),
    # only when CANONICAL_URL is set (previews need its absolute address).
    "share_image": "share.png",
    # The font collection the share images are drawn with (Debian fonts-noto-cjk).
    "share_font": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
}


def config(settings):
    return plugin_config(settings, "DISCOVERY", DEFAULTS)


def generator_init(generator):
    labels.remember_environment(generator)
    env = getattr(generator, "env", None)
    if env is not None:
        env.globals["page_meta"] = meta.page_meta
    if canonical_url(generator.settings):
        generator.context["SHARE_IMAGE"] = {
            "path": config(generator.settings)["share_image"],
            "width": share.WIDTH, "height": share.HEIGHT, "type": "image/png",
        }


class ShareImage(Generator):
    """Writes this sub-site's share image (with a canonical address only)."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        if not canonical_url(self.settings):
            return
        conf = config(self.settings)
        lang = self.settings["DEFAULT_LANG"]
        title = labels.Labels(lang).site_title()
        address = canonical_url(self.settings).split("://", 1)[1]
        try:
            data = share.render(title, address, conf["share_font"], self.settings["LANGUAGES"][lang]["locale"])
        except share.ShareImageError as exc:
            raise ConfigError(f"discovery: {exc}") from exc
        write_atomically(os.path.join(self.output_path, conf["share_image"]), data)


def get_generators(pelican_obj):
    return ShareImage


def start(pelican_obj):
    """build_started receiver: the sitemap lists only pages written from now on."""
    sitemap.mark_start(pelican_obj.settings)


def write_sitemap(pelican_obj):
    """finalized receiver: the main site, once every language is written."""
    if is_main_site(pelican_obj.settings):
        sitemap.write(pelican_obj.settings, config(pelican_obj.settings))


def register():
    sitecore.connect()
    signals.generator_init.connect(generator_init)
    signals.feed_generated.connect(feeds.feed_generated)
    signals.get_generators.connect(get_generators)
    build_started.connect(start)
    signals.finalized.connect(write_sitemap)

"""Pelican side: plan the conversions once, convert while sub-sites read."""

import logging
import os

from pelican import signals

import sitecore
from sitecore import STATE, build_started, content_model

from .convert import Converter, TermsError, config, conversion_plan, convert_html, load_terms

logger = logging.getLogger(__name__)


class ConvertError(SystemExit):
    """The word list is broken: a message and exit status 1, no traceback."""


class Plan:
    """One build's plan and converters (a slot of the build state)."""

    def __init__(self):
        self.plan = {}  # target lang -> {abs source path: source lang}
        self.converters = {}  # target lang -> Converter
        self.terms = []


def plan():
    return STATE.slot("zh_convert", Plan)


def start(pelican_obj):
    settings = pelican_obj.settings
    conf = config(settings)
    if not conf["targets"]:
        return
    this = plan()
    try:
        this.terms = load_terms(conf["terms"])
    except TermsError as exc:
        logger.error("zh_convert: %s", exc)
        raise ConvertError(f"zh_convert: {exc}") from exc
    # Problems of the files are content_checks' to report.
    model = content_model(settings)
    this.plan = conversion_plan(model.pieces, settings)
    # The target sub-site shows the converted version: it must read that file.
    for target, sources in this.plan.items():
        for source_path, _source_lang in sources.items():
            source = model.by_path.get(source_path)
            if source is not None:
                model.preferred_sources[(target, model.piece_of(source)[0])] = source.lang


def converter(settings, target):
    this = plan()
    if target not in this.converters:
        spec = config(settings)["targets"][target]
        this.converters[target] = Converter(spec["config"], this.terms)
    return this.converters[target]


def convert_item(content):
    """Turn the source-language copy read by a target sub-site into its version.

    Title (text), summary and text (HTML: not their markup, so links keep
    their targets) are converted; `lang` becomes the sub-site's language,
    `converted_from` records the source language for the notice and for the
    language links (plugins/multilang), which keep converted versions apart
    from native ones.  i18n-subsites records the item's URL as native for its source
    file too; that is harmless because every language uses the same URL
    pattern (ARTICLE_LANG_URL = ARTICLE_URL).
    """
    settings = content.settings
    target = settings.get("DEFAULT_LANG")
    source_lang = plan().plan.get(target, {}).get(os.path.abspath(content.source_path or ""))
    if source_lang is None or getattr(content, "lang", None) != source_lang:
        return
    convert = converter(settings, target)
    content.title = convert(content.title)  # text, not HTML: every character is converted
    if "title" in content.metadata:
        content.metadata["title"] = content.title
    if getattr(content, "_summary", None):
        content._summary = convert_html(convert, content._summary)
    if "summary" in content.metadata:
        content.metadata["summary"] = convert_html(convert, content.metadata["summary"])
    content._content = convert_html(convert, content._content)
    content.lang = target
    content.metadata["lang"] = target
    content.converted_from = source_lang
    content.in_default_lang = True


def register():
    sitecore.connect()
    build_started.connect(start)
    signals.content_object_init.connect(convert_item)

"""Staff work in Russian and Kazakh: every name a user sees must be marked for translation."""

import pytest
from django.apps import apps
from django.utils.functional import Promise

OUR_APPS = ("accounts", "treaties", "findings", "notifications")


def _our_models():
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            if not model.__name__.startswith("Historical"):
                yield model


def _is_marked(value) -> bool:
    return isinstance(value, Promise)


@pytest.mark.parametrize("model", list(_our_models()), ids=lambda m: m._meta.label)
def test_model_names_fields_and_choices_are_marked_for_translation(model):
    meta = model._meta
    unmarked = []
    if not _is_marked(meta.verbose_name):
        unmarked.append("verbose_name")
    if not _is_marked(meta.verbose_name_plural):
        unmarked.append("verbose_name_plural")
    inherited = (
        {f.name for f in model.__mro__[1]._meta.get_fields()}
        if hasattr(model.__mro__[1], "_meta")
        else set()
    )
    for field in meta.get_fields(include_hidden=False):
        if field.auto_created or not field.concrete or field.name in inherited:
            continue
        if not _is_marked(field.verbose_name):
            unmarked.append(f"{field.name}.verbose_name")
        if field.help_text and not _is_marked(field.help_text):
            unmarked.append(f"{field.name}.help_text")
        for _value, label in field.flatchoices or []:
            if not _is_marked(label):
                unmarked.append(f"{field.name} choice {label!r}")
    assert unmarked == [], f"{meta.label}: not marked for translation: {unmarked}"

"""Short diaries written for these tests: the same three topics (a weekly group, work with
colleagues, a doctor's treatment) in English, Spanish and Hungarian, with the function words that
real sentences have."""

from __future__ import annotations

ENGLISH = [
    "The group meets every week in the community hall.",
    "After the group the volunteers make tea for the residents.",
    "The residents say that the group has helped them a lot.",
    "It was not easy, but the group was always there for me.",
    "The shift at the warehouse is hard, but my colleagues are very kind.",
    "After the shift I often talk with my colleagues in the canteen.",
    "When the shift was too long, the manager sent my colleagues home early.",
    "The doctor said that the treatment is going well.",
    "During the treatment the doctor phoned me every month.",
    "The doctor and the nurse were patient with me during the whole treatment.",
]

SPANISH = [
    "El grupo se reúne cada semana en la casa comunitaria.",
    "Después del grupo, los voluntarios preparan café para los vecinos.",
    "Los vecinos dicen que el grupo les ha ayudado mucho.",
    "No fue fácil, pero el grupo siempre estuvo ahí para mí.",
    "El turno en el almacén es duro, pero mis compañeros son muy amables.",
    "Después del turno hablo a menudo con mis compañeros en el comedor.",
    "Cuando el turno era demasiado largo, la jefa mandaba a mis compañeros a casa.",
    "El médico dijo que el tratamiento va muy bien.",
    "Durante el tratamiento el médico me llamaba cada mes.",
    "El médico y la enfermera tuvieron paciencia conmigo durante todo el tratamiento.",
]

HUNGARIAN = [
    "A csoport minden héten összegyűlik a közösségi házban.",
    "A csoport után az önkéntesek teát főznek a lakóknak.",
    "A lakók szerint a csoport nagyon sokat segített nekik.",
    "Nem volt könnyű, de a csoport mindig ott volt nekem.",
    "A műszak a raktárban nehéz, de a kollégáim nagyon kedvesek.",
    "A műszak után gyakran beszélgetek a kollégáimmal az ebédlőben.",
    "Amikor a műszak túl hosszú volt, a vezető hazaküldte a kollégáimat.",
    "Az orvos azt mondta, hogy a kezelés jól halad.",
    "A kezelés alatt az orvos minden hónapban felhívott.",
    "Az orvos és a nővér türelmes volt velem az egész kezelés alatt.",
]

FUNCTION_WORDS = {
    "en": {"the", "a", "and", "that", "in", "for", "with", "my", "was", "is", "it", "me"},
    "es": {"el", "la", "los", "del", "de", "que", "en", "con", "mis", "para", "a", "y", "se"},
    "hu": {"a", "az", "és", "hogy", "nem", "volt", "de", "után", "minden", "nagyon", "alatt"},
}
"""Words that must never name a suggestion, written here, not taken from any stop-word list."""

"""Why a change of the service's calendar cancelled an appointment, in fi, sv and en.

The cause codes are those ``booking.region.validity.Problem`` stores in
``appointment.cancel_cause``; an unknown code says nothing rather than fail.
"""

from __future__ import annotations

CAUSES = {
    "fi": {
        "point_gone": "Asiointipiste ei enää palvele.",
        "point_closed": "Asiointipiste on silloin suljettu.",
        "not_offered": "Palvelua ei enää tarjota tässä asiointipisteessä.",
        "room_gone": "Etäpalveluhuone ei ole silloin käytössä.",
        "expert_away": "Asiantuntija ei ole silloin tavoitettavissa.",
        "expert_unqualified": "Asiantuntija ei ole silloin tavoitettavissa.",
    },
    "sv": {
        "point_gone": "Servicepunkten betjänar inte längre.",
        "point_closed": "Servicepunkten är stängd då.",
        "not_offered": "Tjänsten erbjuds inte längre vid servicepunkten.",
        "room_gone": "Distansrummet är inte tillgängligt då.",
        "expert_away": "Experten är inte tillgänglig då.",
        "expert_unqualified": "Experten är inte tillgänglig då.",
    },
    "en": {
        "point_gone": "The service point no longer serves.",
        "point_closed": "The service point is closed then.",
        "not_offered": "The service is no longer offered at the service point.",
        "room_gone": "The video room is not available then.",
        "expert_away": "No expert is available then.",
        "expert_unqualified": "No expert is available then.",
    },
}

REBOOK = {
    "fi": "Varaa uusi aika: {url}",
    "sv": "Boka en ny tid: {url}",
    "en": "Book a new time: {url}",
}

REBOOK_EMAIL = {
    "fi": "Varaa uusi aika",
    "sv": "Boka en ny tid",
    "en": "Book a new time",
}


def cause_text(cause: str | None, language: str) -> str:
    """The sentence saying why, or "" for no cause or an unknown one."""
    return CAUSES.get(language, CAUSES["fi"]).get(cause or "", "")

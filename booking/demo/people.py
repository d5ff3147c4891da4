"""Fictional citizens for the demo calendar: Finnish, Swedish and English names,
mobile numbers in the unused ``+358 40 0000xxx`` / ``+358 50 0000xxx`` ranges,
e-mail addresses under ``.example``, now and then a need or an interpreter."""

from __future__ import annotations

import random

# fmt: off
FIRST_NAMES = (
    "Aino", "Eino", "Helmi", "Väinö", "Kerttu", "Lauri", "Siiri", "Onni", "Tuula", "Pertti",
    "Marjatta", "Seppo", "Anneli", "Raimo", "Irmeli", "Kalevi", "Liisa", "Jorma", "Hilkka",
    "Veikko", "Sofia", "Elias", "Ella", "Leevi", "Saara", "Niilo", "Pirjo", "Tapio",
)
SURNAMES = (
    "Mäkinen", "Hämäläinen", "Koskela", "Heikkilä", "Jääskeläinen", "Lehtinen", "Saarinen",
    "Tuominen", "Rantala", "Salonen", "Kärkkäinen", "Hyvönen", "Peltonen", "Puttonen",
    "Savolainen", "Räsänen", "Kauppinen", "Toivanen", "Halonen", "Liimatainen",
)
# fmt: on
SWEDISH_NAMES = ("Karin Lindqvist", "Erik Holmström", "Anna Sjöberg", "Mikael Grönroos")
ENGLISH_NAMES = ("Daniel Wright", "Olena Kovalenko", "Ahmed Yusuf", "Maria Santos")
NEEDS = (
    "Pyörätuoli, tarvitsee esteettömän sisäänkäynnin",
    "Kuulolaite: puhukaa selkeästi",
    "Tulee saattajan kanssa",
)


def demo_citizen(rng: random.Random, agency_id: str) -> dict[str, object]:
    """Citizen fields for a booking request: name, phone, language, topic, sometimes more."""
    from booking.appointments.citizen_details import topics_for

    roll = rng.random()
    if roll < 0.08:
        language, name = "sv", rng.choice(SWEDISH_NAMES)
    elif roll < 0.13:
        language, name = "en", rng.choice(ENGLISH_NAMES)
    else:
        language, name = "fi", f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
    details: dict[str, object] = {
        "name": name,
        "language": language,
        "phone": f"+358{rng.choice(('40', '50'))}0000{rng.randint(0, 999):03d}",
        "topic": rng.choice(topics_for(agency_id))[0],
        "email": None,
        "needs": "",
        "interpreter_language": None,
    }
    if rng.random() < 0.3:
        details["email"] = _ascii(name).lower().replace(" ", ".") + "@demo.example"
    if rng.random() < 0.06:
        details["needs"] = rng.choice(NEEDS)
    if language == "en" and rng.random() < 0.5:
        details["interpreter_language"] = "ukraina"
    return details


def _ascii(text: str) -> str:
    return text.translate(str.maketrans("äöåÄÖÅ", "aoaAOA"))

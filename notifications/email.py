"""E-mail to citizens and experts: text and HTML parts, the .ics attached.

Citizen mails are in the citizen's language and carry the appointment's
calendar file (METHOD:REQUEST for new or moved, METHOD:CANCEL for cancelled).
Experts get their day's agenda without citizen contact details.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from html import escape

from notifications.causes import REBOOK_EMAIL, cause_text
from notifications.content import AgendaFacts, Kind, MessageFacts
from notifications.dates import clock, short_date, when
from notifications.ical import appointment_calendar, method_for
from notifications.sms import CODE_TEXTS

SUBJECTS = {
    "fi": {
        Kind.CONFIRMATION: "Varausvahvistus: {agency} {when}",
        Kind.MOVED: "Aikasi on siirretty: {agency} {when}",
        Kind.CANCELLED: "Aikasi on peruttu: {agency} {when}",
        Kind.REMINDER_DAY_BEFORE: "Muistutus: {agency} {when}",
        Kind.REMINDER_MORNING: "Muistutus: {agency} {when}",
    },
    "sv": {
        Kind.CONFIRMATION: "Bokningsbekräftelse: {agency} {when}",
        Kind.MOVED: "Din tid har flyttats: {agency} {when}",
        Kind.CANCELLED: "Din tid har avbokats: {agency} {when}",
        Kind.REMINDER_DAY_BEFORE: "Påminnelse: {agency} {when}",
        Kind.REMINDER_MORNING: "Påminnelse: {agency} {when}",
    },
    "en": {
        Kind.CONFIRMATION: "Booking confirmed: {agency} {when}",
        Kind.MOVED: "Your appointment has moved: {agency} {when}",
        Kind.CANCELLED: "Your appointment is cancelled: {agency} {when}",
        Kind.REMINDER_DAY_BEFORE: "Reminder: {agency} {when}",
        Kind.REMINDER_MORNING: "Reminder: {agency} {when}",
    },
}

WORDS = {
    "fi": {
        "greeting": "Hei {name},",
        "greeting_anonymous": "Hei,",
        "intro": {
            Kind.CONFIRMATION: "aikasi etäasiointiin on varattu.",
            Kind.MOVED: "aikasi etäasiointiin on siirretty. Uusi aika:",
            Kind.CANCELLED: "aikasi etäasiointiin on peruttu.",
            Kind.REMINDER_DAY_BEFORE: "muistutamme aikasi etäasiointiin.",
            Kind.REMINDER_MORNING: "muistutamme tämänpäiväisestä ajastasi.",
        },
        "service": "Palvelu",
        "time": "Aika",
        "place": "Paikka",
        "reference": "Varaustunnus",
        "bring": "Ota mukaan kuvallinen henkilökortti (passi, henkilökortti tai ajokortti).",
        "arrive": "Tule paikalle 10 minuuttia ennen, niin ehdimme avata yhteyden.",
        "manage": "Muuta tai peru aikasi",
        "calendar": "Kalenterikutsu on liitteenä.",
        "footer": "Tähän viestiin ei voi vastata.",
    },
    "sv": {
        "greeting": "Hej {name},",
        "greeting_anonymous": "Hej,",
        "intro": {
            Kind.CONFIRMATION: "din tid för distansbesök är bokad.",
            Kind.MOVED: "din tid för distansbesök har flyttats. Ny tid:",
            Kind.CANCELLED: "din tid för distansbesök har avbokats.",
            Kind.REMINDER_DAY_BEFORE: "vi påminner om din tid för distansbesök.",
            Kind.REMINDER_MORNING: "vi påminner om din tid i dag.",
        },
        "service": "Tjänst",
        "time": "Tid",
        "place": "Plats",
        "reference": "Bokningskod",
        "bring": "Ta med fotolegitimation (pass, identitetskort eller körkort).",
        "arrive": "Kom 10 minuter före, så hinner vi öppna förbindelsen.",
        "manage": "Ändra eller avboka din tid",
        "calendar": "En kalenderinbjudan finns som bilaga.",
        "footer": "Det här meddelandet kan inte besvaras.",
    },
    "en": {
        "greeting": "Hello {name},",
        "greeting_anonymous": "Hello,",
        "intro": {
            Kind.CONFIRMATION: "your remote appointment is booked.",
            Kind.MOVED: "your remote appointment has moved. The new time:",
            Kind.CANCELLED: "your remote appointment has been cancelled.",
            Kind.REMINDER_DAY_BEFORE: "a reminder of your remote appointment.",
            Kind.REMINDER_MORNING: "a reminder of your appointment today.",
        },
        "service": "Service",
        "time": "Time",
        "place": "Place",
        "reference": "Booking reference",
        "bring": "Bring a photo ID (passport, identity card or driving licence).",
        "arrive": "Please arrive 10 minutes early so that we can open the connection.",
        "manage": "Change or cancel your appointment",
        "calendar": "A calendar invitation is attached.",
        "footer": "This message cannot be replied to.",
    },
}


def build_appointment_email(facts: MessageFacts, *, sender: str, stamp: datetime) -> EmailMessage:
    """The citizen's e-mail for ``facts`` with its .ics attached. ``stamp`` is the DTSTAMP."""
    if not facts.citizen_email:
        raise ValueError("the appointment has no e-mail address")
    kind = Kind(facts.kind)
    words = WORDS[facts.language]
    rows = appointment_rows(facts)
    greeting = (
        words["greeting"].format(name=facts.citizen_name)
        if facts.citizen_name
        else words["greeting_anonymous"]
    )
    notes = [] if kind == Kind.CANCELLED else [words["arrive"]]
    if kind != Kind.CANCELLED:
        bring = [line.strip() for line in facts.what_to_bring.splitlines() if line.strip()]
        notes[:0] = ([words["bring"]] if facts.photo_id_required else []) + bring
    manage = facts.manage_url if kind != Kind.CANCELLED else None
    manage_words = words["manage"]
    why = cause_text(facts.cancel_cause, facts.language) if kind == Kind.CANCELLED else ""
    if why and facts.rebook_url:
        manage, manage_words = facts.rebook_url, REBOOK_EMAIL[facts.language]
    intro = f"{words['intro'][kind]} {why}".strip()

    text = [greeting, "", intro, ""]
    text += [f"{label}: {value}" for label, value in rows]
    text += ["", *notes]
    if manage:
        text += ["", f"{manage_words}: {manage}"]
    text += ["", words["calendar"], "", "-- ", words["footer"]]

    html = [f'<!doctype html><html lang="{facts.language}"><body>']
    html.append(f"<p>{escape(greeting)}</p><p>{escape(intro)}</p>")
    html.append("<table>")
    html += [f"<tr><th scope='row'>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows]
    html.append("</table>")
    html += [f"<p>{escape(note)}</p>" for note in notes]
    if manage:
        html.append(f'<p><a href="{escape(manage)}">{escape(manage_words)}</a></p>')
    html.append(
        f"<p>{escape(words['calendar'])}</p><p><small>{escape(words['footer'])}</small></p>"
    )
    html.append("</body></html>")

    message = new_message(
        sender=sender,
        to=facts.citizen_email,
        subject=SUBJECTS[facts.language][kind].format(
            agency=facts.agency_sms_name, when=when(facts.starts_at, facts.language)
        ),
        stamp=stamp,
    )
    message.set_content("\n".join(text))
    message.add_alternative("\n".join(html), subtype="html")
    method = method_for(facts)
    message.add_attachment(
        appointment_calendar(facts, stamp=stamp, method=method).decode(),
        subtype="calendar",
        filename="cancel.ics" if method == "CANCEL" else "invite.ics",
        params={"method": method},
    )
    return finish(message, facts.language)


def appointment_rows(facts: MessageFacts) -> list[tuple[str, str]]:
    words = WORDS[facts.language]
    period = f"{when(facts.starts_at, facts.language)}–{clock(facts.ends_at, facts.language)}"
    place = f"{facts.point_name}, {facts.room_name}, {facts.point_address}"
    return [
        (words["service"], f"{facts.agency_name}: {facts.service_name}"),
        (words["time"], period),
        (words["place"], place),
        (words["reference"], facts.reference),
    ]


AGENDA_WORDS = {
    "fi": {"subject": "Päivän etäasiointiajat {day}", "none": "Ei varattuja aikoja.",
           "columns": ("Aika", "Palvelu", "Paikka", "Tunnus", "Kieli", "Tarpeet", "Linkki")},
    "sv": {"subject": "Dagens distansbesök {day}", "none": "Inga bokade tider.",
           "columns": ("Tid", "Tjänst", "Plats", "Kod", "Språk", "Behov", "Länk")},
    "en": {"subject": "Today's remote appointments {day}", "none": "No appointments booked.",
           "columns": ("Time", "Service", "Place", "Ref", "Language", "Needs", "Link")},
}  # fmt: skip


def build_agenda_email(agenda: AgendaFacts, *, sender: str, stamp: datetime) -> EmailMessage:
    """The expert's morning agenda: one row per call, in Helsinki time."""
    words = AGENDA_WORDS[agenda.language]
    rows = [
        (
            f"{clock(item.starts_at, agenda.language)}–{clock(item.ends_at, agenda.language)}",
            item.service_name,
            f"{item.point_name}, {item.room_name}",
            item.reference,
            item.language,
            item.needs,
            item.meeting_link or "",
        )
        for item in agenda.items
    ]
    day = short_date(agenda.day, agenda.language)
    text = [f"{agenda.expert_name}", "", words["subject"].format(day=day), ""]
    text += [" | ".join(value for value in row if value) for row in rows] or [words["none"]]
    html = [f'<!doctype html><html lang="{agenda.language}"><body>']
    html.append(f"<h1>{escape(words['subject'].format(day=day))}</h1>")
    if rows:
        html.append("<table><tr>")
        html += [f"<th scope='col'>{escape(col)}</th>" for col in words["columns"]]
        html.append("</tr>")
        for row in rows:
            cells = [escape(value) for value in row[:-1]]
            link = f'<a href="{escape(row[-1])}">{escape(row[-1])}</a>' if row[-1] else ""
            html.append("<tr>" + "".join(f"<td>{c}</td>" for c in [*cells, link]) + "</tr>")
        html.append("</table>")
    else:
        html.append(f"<p>{escape(words['none'])}</p>")
    html.append("</body></html>")
    message = new_message(
        sender=sender,
        to=agenda.expert_email,
        subject=words["subject"].format(day=day),
        stamp=stamp,
    )
    message.set_content("\n".join(text))
    message.add_alternative("\n".join(html), subtype="html")
    return finish(message, agenda.language)


def new_message(*, sender: str, to: str, subject: str, stamp: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(stamp)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    return message


def finish(message: EmailMessage, language: str) -> EmailMessage:
    # Set last: set_content() and add_alternative() move or drop Content-* headers.
    message["Content-Language"] = language
    return message


CODE_SUBJECTS = {
    "fi": "Etävaraus-koodisi",
    "sv": "Din kod för Etävaraus",
    "en": "Your Etävaraus code",
}


def build_code_email(
    language: str, code: str, valid_until: datetime, *, to: str, sender: str, stamp: datetime
) -> EmailMessage:
    """The e-mail with a booking's verification code, for a booking made without a
    mobile number: the same words as the SMS."""
    language = language if language in CODE_SUBJECTS else "fi"
    message = new_message(sender=sender, to=to, subject=CODE_SUBJECTS[language], stamp=stamp)
    text = CODE_TEXTS[language].format(code=code, clock=clock(valid_until, language))
    message.set_content(text + "\n")
    return finish(message, language)

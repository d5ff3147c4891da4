"""The e-mail with a staff member's one-time link to set her password."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from html import escape

from notifications.email import finish, new_message

STAFF_LINK_WORDS = {
    "fi": ("Etävaraus: aseta salasanasi",
           "Sinulle on luotu tunnus Etävaraukseen tai salasanasi on nollattu. Aseta salasana "
           "tästä linkistä. Linkki toimii kerran ja vanhenee kolmen päivän kuluttua.",
           "Jos et odottanut tätä viestiä, älä avaa linkkiä."),
    "sv": ("Etävaraus: ställ in ditt lösenord",
           "Du har fått ett konto i Etävaraus eller så har ditt lösenord återställts. Ställ in "
           "lösenordet via länken. Länken fungerar en gång och upphör att gälla om tre dagar.",
           "Om du inte väntade dig det här meddelandet ska du inte öppna länken."),
    "en": ("Etävaraus: set your password",
           "An account has been made for you in Etävaraus, or your password has been reset. "
           "Set your password through this link. It works once and lapses in three days.",
           "If you did not expect this message, do not open the link."),
}  # fmt: skip


def build_staff_link_email(
    *, language: str, to: str, link: str, sender: str, stamp: datetime
) -> EmailMessage:
    subject, body, warning = STAFF_LINK_WORDS.get(language, STAFF_LINK_WORDS["fi"])
    message = new_message(sender=sender, to=to, subject=subject, stamp=stamp)
    message.set_content("\n\n".join([body, link, warning]))
    message.add_alternative(
        f'<!doctype html><html lang="{language}"><body><p>{escape(body)}</p>'
        f'<p><a href="{escape(link)}">{escape(link)}</a></p><p>{escape(warning)}</p>'
        "</body></html>",
        subtype="html",
    )
    return finish(message, language)

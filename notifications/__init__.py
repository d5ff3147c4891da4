"""Outgoing messages: SMS text, e-mail and iCalendar rendering, and the senders.

Pure and framework-free: rendering takes plain :class:`~notifications.content.MessageFacts`
and returns text or bytes; sending sits behind one small interface
(:mod:`notifications.senders`). Nothing here imports Flask or the web layer.
"""

"""The scheduler process: jobs that send the outbox, purge old personal data and mail
the experts' agendas. Run with ``booking scheduler`` (see :func:`scheduler.app.run_scheduler`);
never inside a web worker."""

from django.apps import AppConfig


class ConfmanConfig(AppConfig):
    name = "confman"

    def ready(self):
        from confman.core import logs

        # The request id into the tasks a request queues, and out again in the worker.
        logs.connect()

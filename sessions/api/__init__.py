"""The programme's REST operations, in one router: public reads, organiser writes (conflicts
answer 409 with the conflict list), the chair's calls and the update log."""

from ninja import Router

from sessions.api import chair, materials, people, programme, sessions

router = Router()
for part in (sessions, people, programme, chair, materials):
    router.add_router("", part.router)

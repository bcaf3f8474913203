"""The certificate by mail: one message per certificate, queued by services.certificates_send,
in the holder's language, with the PDF attached and the link to their page, where it stays."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from registrations.certificates.content import (
    certificate_filename,
    certificate_languages,
    certificate_pdf,
    verification_url,
)
from registrations.links import magic_token
from registrations.mail import self_service_url, send_with_retry
from registrations.models import Certificate


def build_certificate_message(certificate: Certificate) -> EmailMultiAlternatives:
    registration = certificate.registration
    subject = _("Your certificate of attendance: %(event)s") % {"event": registration.event.title}
    context = {
        "subject": subject,
        "registration": registration,
        "event": registration.event,
        "certificate": certificate,
        "link": self_service_url(registration, magic_token(registration)),
        "verify": verification_url(certificate.code),
    }
    message = EmailMultiAlternatives(
        subject,
        render_to_string("registrations/mail/certificate.txt", context),
        to=[registration.email],
    )
    message.attach_alternative(
        render_to_string("registrations/mail/certificate.html", context), "text/html"
    )
    message.attach(
        certificate_filename(certificate), certificate_pdf(certificate), "application/pdf"
    )
    return message


@task()
def send_certificate_mail(certificate_id: int, attempt: int = 1) -> str:
    """Mail a certificate to its holder; skipped once withdrawn or anonymised."""
    certificate = (
        Certificate.objects.select_related("registration__event__venue", "session__room")
        .filter(pk=certificate_id)
        .first()
    )
    if (
        certificate is None
        or certificate.revoked_at is not None
        or certificate.registration.anonymised_at is not None
    ):
        return "skipped"
    registration = certificate.registration
    with translation.override(certificate_languages(registration.event, registration)[0]):
        message = build_certificate_message(certificate)
    return send_with_retry(
        message,
        f"of certificate {certificate_id}",
        attempt,
        lambda when: send_certificate_mail.using(run_after=when).enqueue(
            certificate_id, attempt + 1
        ),
    )

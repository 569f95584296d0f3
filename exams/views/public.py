"""The public certificate verification page: no sign-in, masked name, throttled per client so that serials cannot
be enumerated; an unknown serial is a 404 that says only "not found"."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from ipware import get_client_ip

from exams.models import Certificate
from exams.services.certificates import public_view


def _rate() -> tuple[int, int]:
    count, _, per = settings.EXAM_CERTIFICATE_RATE.partition("/")
    return int(count), {"s": 1, "m": 60, "h": 3600}.get(per[:1], 60)


def throttled(request) -> bool:
    """A fixed window per client IP, in the shared cache (Redis in production): at most N look-ups per window."""
    limit, window = _rate()
    # The same trusted-proxy settings as the sign-in throttle: a client cannot dodge the limit by sending its own
    # X-Forwarded-For.
    ip, _routable = get_client_ip(
        request,
        request_header_order=settings.AXES_IPWARE_META_PRECEDENCE_ORDER,
        proxy_count=settings.AXES_IPWARE_PROXY_COUNT,
        proxy_trusted_ips=settings.AXES_IPWARE_PROXY_TRUSTED_IPS,
    )
    key = f"cert-verify:{ip or 'unknown'}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        count = 1
    return count > limit


@never_cache
def certificate_page(request, serial: str):
    if throttled(request):
        response = HttpResponse("too many requests", status=429, content_type="text/plain")
        response["Retry-After"] = str(_rate()[1])
        return response
    certificate = Certificate.objects.select_related("trainee", "project__region").filter(serial=serial).first()
    if certificate is None:
        return HttpResponseNotFound("not found", content_type="text/plain")
    return render(request, "exams/public_certificate.html", {"c": public_view(certificate)})

"""The Stripe webhook endpoint: one view, no session, no CSRF (Stripe signs the request).

It answers 400 to anything not correctly signed within Stripe's five-minute tolerance (so a
replayed request with an old timestamp is refused) and 200 to everything else, including events
already processed and types we do not act on, so Stripe stops resending them. The rules
(verification, idempotency, dispatch by type) are in ``contracts.services.payments``.
"""

from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .services.payments import WebhookRejected, webhook_handle

MAX_PAYLOAD_BYTES = 512 * 1024


@csrf_exempt
@require_POST
def stripe_webhook(request):
    if len(request.body) > MAX_PAYLOAD_BYTES:
        return HttpResponseBadRequest("Payload too large", content_type="text/plain")
    try:
        result = webhook_handle(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except WebhookRejected as error:
        return HttpResponseBadRequest(error.message, content_type="text/plain")
    return HttpResponse(result, content_type="text/plain")

"""Error bodies in the two shapes the real cloud uses: DMS service errors and API-gateway errors.

Codes marked INVENTED are the emulator's choice where dms-api.md leaves the real value unverified;
docs/emulator.md lists them.
"""

from __future__ import annotations

from typing import Any, Dict, Optional


class ApiError(Exception):
    """Raised by a handler to answer with a JSON error body."""

    def __init__(self, status: int, body: Dict[str, Any], headers: Optional[Dict[str, str]] = None) -> None:
        super().__init__("%d %s" % (status, body.get("error_code", "")))
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


def dms_error(status: int, code: str, msg: str) -> ApiError:
    """DMS service error: {"error_code": "DMS.x", "error_msg": "..."} (dms-api.md §2.2)."""
    return ApiError(status, {"error_code": code, "error_msg": msg})


def gateway_error(status: int, code: str, msg: str, request_id: str) -> ApiError:
    """API-gateway error: carries request_id in the body as well (dms-api.md §2.2)."""
    return ApiError(status, {"error_code": code, "error_msg": msg, "request_id": request_id})


# Faithful (dms-api.md §2.2).
INSTANCE_NOT_FOUND = ("DMS.00404022", "This DMS instance does not exist.")
# INVENTED: the real code for an unknown task id is unverified.
TASK_NOT_FOUND = ("DMS.00404023", "The background task does not exist.")
# DMS's code for an invalid parameter: Terraform quotes the answer {"error_code": "DMS.00400062", "error_msg":
# "Invalid {0} parameter in the request."} (kafka data sources of topics and members). The emulator's texts name
# the parameter instead of "{0}". Not DMS.00400002: that real code means "The project ID format is invalid."
BAD_PARAMETER = "DMS.00400062"
# INVENTED: progress on an engine that has no progress API (RabbitMQ): the gateway's unknown-API answer.
PROGRESS_NOT_SUPPORTED = ("APIGW.0101", "The API does not exist or has not been published in the environment")
# INVENTED (code and text): progress of a Kafka task that is not a capacity expansion, the only Kafka task Huawei
# documents progress for. What the real service answers there is not documented (shared/dms-api.md, open item 8).
PROGRESS_NOT_FOR_TASK = ("DMS.00400999", "Progress query is not supported for this background task.")
# Faithful gateway codes (dms-api.md §2.2).
AUTH_FAILED = "APIGW.0301"
SIGNATURE_EXPIRED = "APIGW.0303"
API_NOT_FOUND = ("APIGW.0101", "The API does not exist or has not been published in the environment")
THROTTLED = (
    "APIGW.0308",
    "The throttling threshold has been reached: policy user over ratelimit,limit:10,time:1 second",
)

"""The REST shapes of roster imports, certificates and certificate claims (marshmallow, at the HTTP edge only)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from connectors.huawei_talent.models import ClaimStatus, ImportStatus
from connectors.huawei_talent.rows import LEVELS


class UploadSchema(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ImportErrorSchema(ma.Schema):
    line = ma.fields.Integer()
    column = ma.fields.String()
    reason = ma.fields.String()


class ImportSchema(ma.Schema):
    id = ma.fields.Integer()
    centre_id = ma.fields.Integer()
    status = ma.fields.Enum(ImportStatus, by_value=True)
    filename = ma.fields.String()
    sha256 = ma.fields.String()
    size_bytes = ma.fields.Integer()
    rows_total = ma.fields.Integer()
    rows_done = ma.fields.Integer(metadata={"description": "rows processed so far (progress)"})
    rows_ok = ma.fields.Integer()
    rows_failed = ma.fields.Integer()
    created = ma.fields.Integer()
    updated = ma.fields.Integer()
    unchanged = ma.fields.Integer()
    error = ma.fields.String(allow_none=True, metadata={"description": "why the file as a whole was refused"})
    submitted_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)


class ImportReportSchema(ImportSchema):
    errors = ma.fields.List(ma.fields.Nested(ImportErrorSchema))


class ImportQuerySchema(ma.Schema):
    errors_limit = ma.fields.Integer(load_default=1000, validate=validate.Range(min=0, max=100_000))


class ImportListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ImportSchema))


class CertificateSchema(ma.Schema):
    id = ma.fields.Integer()
    certificate_number = ma.fields.String()
    learner_id = ma.fields.Integer()
    centre_id = ma.fields.Integer()
    course_code = ma.fields.String()
    course_title = ma.fields.String()
    certificate_name = ma.fields.String()
    certificate_level = ma.fields.String()
    track = ma.fields.String()
    exam_date = ma.fields.Date(allow_none=True)
    issue_date = ma.fields.Date()
    expiry_date = ma.fields.Date()
    training_hours = ma.fields.Float(allow_none=True)
    score = ma.fields.Float(allow_none=True)
    pass_mark = ma.fields.Float(allow_none=True)
    status = ma.fields.String(metadata={"description": "current, or expired once the expiry date has passed"})
    source = ma.fields.String()
    revision = ma.fields.Integer()
    statement_ids = ma.fields.List(ma.fields.String())


class CertificateQuerySchema(ma.Schema):
    learner = ma.fields.Integer(metadata={"description": "only this learner's certificates"})


class CertificateListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CertificateSchema))


class ClaimFormSchema(ma.Schema):
    identifier = ma.fields.String(required=True, metadata={"description": "the learner's identifier, scheme:value (ke-upn:2019123456)"})
    certificate_number = ma.fields.String(required=True, validate=validate.Length(min=1, max=64))
    certificate_name = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    certificate_level = ma.fields.String(required=True, metadata={"description": " | ".join(LEVELS)})
    track = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    course_code = ma.fields.String(required=True, validate=validate.Length(min=1, max=40))
    course_title = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    issue_date = ma.fields.String(required=True, metadata={"description": "YYYY-MM-DD"})
    expiry_date = ma.fields.String(load_default="", metadata={"description": "YYYY-MM-DD; default: three years after issue"})
    huawei_account = ma.fields.String(load_default="")
    email = ma.fields.String(load_default="")


class ClaimSchema(ma.Schema):
    id = ma.fields.Integer()
    centre_id = ma.fields.Integer()
    learner_id = ma.fields.Integer()
    status = ma.fields.Enum(ClaimStatus, by_value=True)
    certificate_number = ma.fields.String()
    details = ma.fields.Dict()
    file_name = ma.fields.String()
    file_sha256 = ma.fields.String()
    file_size = ma.fields.Integer()
    submitted_by = ma.fields.String()
    submitted_at = ma.fields.DateTime()
    decided_by = ma.fields.String(allow_none=True)
    decided_at = ma.fields.DateTime(allow_none=True)
    decision_reason = ma.fields.String(allow_none=True)
    certificate_id = ma.fields.Integer(allow_none=True)


class ClaimListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ClaimSchema))


class ClaimQuerySchema(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf([status.value for status in ClaimStatus]))


class VerifySchema(ma.Schema):
    reason = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class RejectSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=2000))
